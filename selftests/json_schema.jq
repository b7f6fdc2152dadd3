# The one JSON schema of every netlens tool's -j output (README: JSON
# output), as a jq program: feed it the lines, it prints one line per
# violation ("LINE: what is wrong") and nothing for a conforming stream.
#   jq -R -r -f selftests/json_schema.jq < output
def units: ["ns", "us", "ms", "bytes", "cpu", "value"];
def unit_suffix: "_(ns|us|ms|s|bytes|mhz|khz)$";
def problems:
	(keys_unsorted) as $k
	| (if $k[0:2] != ["type", "epoch_us"] then "does not start with type, epoch_us" else empty end),
	  (if (.epoch_us | type) != "number" or .epoch_us < 1500000000000000
	      or .epoch_us != (.epoch_us | floor)
	   then "epoch_us is not microseconds since the epoch" else empty end),
	  (if has("time") then "a \"time\" member: epoch_us is the timestamp" else empty end),
	  # enums: a number under NAME, its name under NAME_name
	  ($k[] | select(endswith("_name")) as $n | ($n | rtrimstr("_name")) as $b
	   | if ($b | IN($k[]) | not) then "\($n) without \($b)"
	     else empty end),
	  # one unit per quantity: duration_us and duration_ms never together
	  ([$k[] | select(test(unit_suffix)) | sub(unit_suffix; "")] | group_by(.)
	   | map(select(length > 1))[] | "\(.[0]) in more than one unit"),
	  # units in names, never in values
	  (to_entries[] | select((.value | type) == "string" and
	      (.value | test("^[0-9]+ ?(ns|us|ms|s|msecs|usecs|nsecs)$")))
	   | "\(.key): a unit in a value"),
	  (if .type == "count" then
		(if ($k | last) != "count" or (.count | type) != "number" or .count < 0
		 then "count: not ending in a count" else empty end),
		(if has("map") and ((.map | type) != "string" or .map == "")
		 then "count: an empty map name" else empty end)
	   elif .type == "hist" then
		(if (.name | type) != "string" then "hist: no name" else empty end),
		(if (.unit | IN(units[]) | not) then "hist: unit \(.unit) not one of \(units)" else empty end),
		(if (.kind | IN("log2", "linear") | not) then "hist: kind \(.kind)" else empty end),
		(if ($k[-2:]) != ["total", "buckets"] then "hist: not ending in total, buckets" else empty end),
		(if .total != ([.buckets[].count] | add // 0) then "hist: total is not the sum of the counts" else empty end),
		(.buckets[] | if (keys_unsorted != ["low", "high", "count"]) or .count <= 0
			or (.high != null and .high < .low)
		 then "hist: bad bucket \(tojson)" else empty end),
		(if ([.buckets[].low] | . != sort) then "hist: buckets out of order" else empty end)
	   elif .type == "row" then
		(if (.table | type) != "string" or .table == "" then "row: no table name" else empty end),
		(($k | last) as $v
		 | if ($v | test(unit_suffix) | not) or (.[$v] | type) != "number" or .[$v] < 0
		   then "row: not ending in a quantity with its unit" else empty end)
	   elif .type == "event" then
		(if (.event | type) != "string" or .event == "" then "event: no event name" else empty end)
	   elif .type == "info" then
		(if (.report | type) != "string" then "info: no report name" else empty end)
	   elif .type == "interval" then
		(if $k != ["type", "epoch_us", "index", "interval_s", "last"] or .index < 1
			or .interval_s < 0 or (.last | type) != "boolean"
		 then "interval: not {type, epoch_us, index, interval_s, last}" else empty end)
	   else "unknown type \(.type)" end);

. as $line
| (try fromjson catch null) as $o
| if $o == null or ($o | type) != "object" then "\($line): not a JSON object"
  else ($o | problems) as $p | "\($line): \($p)" end
