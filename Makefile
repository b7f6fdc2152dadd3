# SPDX-License-Identifier: GPL-2.0
#
# netlens: the kernel module (for every installed test kernel), the BPF
# programs and skeletons, the userspace tools and the test suite.
#
#   make                 build everything (module for each kernel with headers)
#   make module KVER=x   the module for one kernel (or KDIR=/path/to/headers)
#   make demo            boot a test kernel, load netlens, show it working
#   make check           the whole test suite (host, guests, DKMS)
#   make install         install the module (KVER, default: running kernel)
#                        and the tools
#   make dkms-install    register, build and install with DKMS
#   make checkpatch      kernel coding style of kmod/ and the UAPI header
#   V=1                  show full commands

# Read by Kbuild only when it finds no Kbuild file (v4l2loopback's pattern).
# DKMS passes KERNELRELEASE itself, so test what only Kbuild sets.
ifneq ($(KBUILD_EXTMOD),)
include $(src)/Kbuild
else

BUILD      ?= $(CURDIR)/build
PREFIX     ?= /usr/local
VERSION    := $(shell sed -n 's/^\#define NETLENS_VERSION[[:space:]]*"\(.*\)"/\1/p' include/uapi/linux/netlens.h)

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
MAKEFLAGS += --no-print-directory
endif

# Kernels to build the module for: KDIR names one tree, KVER one installed
# kernel; otherwise every kernel whose headers are installed.
ifneq ($(KDIR),)
KVERS := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
ifeq ($(KVERS),)
$(error KDIR=$(KDIR) is not a configured kernel tree (no include/config/kernel.release))
endif
kdir = $(KDIR)
else
ifneq ($(KVER),)
KVERS := $(KVER)
else
KVERS := $(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build))
endif
kdir = /lib/modules/$(1)/build
endif

KMOD_SRCS := Kbuild $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/netlens.h

# ---- userspace and BPF -----------------------------------------------------
CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
# CO-RE: any kernel's BTF will do for vmlinux.h; prefer the running kernel's.
VMLINUX_BTF ?= $(firstword $(wildcard /sys/kernel/btf/vmlinux) \
		$(wildcard /usr/src/linux-headers-*/vmlinux))
LIBNL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
LIBNL_LIBS   := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
CFLAGS     ?= -g -O2
CFLAGS     += -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	      -std=gnu11 -D_GNU_SOURCE \
	      -I$(BUILD) -Iinclude/uapi -Iuserspace/lib -Ikmod $(LIBNL_CFLAGS)
LDLIBS     := -lbpf -lelf -lz $(LIBNL_LIBS) -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
	      -I$(BUILD) -Iinclude/uapi -Ikmod -Ibpf \
	      -I/usr/include/$(shell uname -m)-linux-gnu

# The book's tools that are another tool under their name (TOOL:NAME; the
# tool reads its argv[0]): qdisclat as each qdisc-*.bt, nettxlat -D.
BOOK_ALIASES := $(patsubst %,qdisclat:qdisc-%,fq fq_codel codel red tbf cbs cbq) \
	nettxlat:nettxlat-dev
TOOLS      := netlensctl skblife soconnect sofamily soprotocol sockstat sendsize xmitstack tcpcount rxcpu tpcount ieee80211scan tcplife tcpsynbl tcpretrans tcpconnect tcpaccept tcpwin tcpbind tcpnagle tcptop socksize socketio soaccept skbdrop udpconnect sormem soconnlat so1stbyte netsize nettxlat ipecn superping qdisclat gethostlatency solife udplife
LIB_SRCS   := $(wildcard userspace/lib/*.c)
LIB_OBJS   := $(patsubst userspace/lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRCS))
BPF_PROGS  := $(patsubst bpf/%.bpf.c,%,$(wildcard bpf/*.bpf.c))
TEST_BPF   := $(patsubst selftests/progs/%.bpf.c,%,$(wildcard selftests/progs/*.bpf.c))
SKELS      := $(patsubst %,$(BUILD)/%.skel.h,$(BPF_PROGS) $(TEST_BPF))

# kselftest harness and checkpatch come from Debian's linux-source-6.1.
LINUX_SOURCE_TAR ?= $(firstword $(wildcard /usr/src/linux-source-6.1.tar.xz))
KSFT_DIR   := $(BUILD)/linux-source
KSFT_HDRS  := $(KSFT_DIR)/tools/testing/selftests/kselftest_harness.h
CHECKPATCH := $(KSFT_DIR)/scripts/checkpatch.pl

HOST_TESTS  := $(patsubst selftests/host/%.c,%,$(wildcard selftests/host/*.c))
GUEST_TESTS := $(patsubst selftests/guest/%.c,%,$(wildcard selftests/guest/*.c))
TEST_CFLAGS := -I$(KSFT_DIR)/tools/testing/selftests -Wno-sign-compare

.PHONY: all modules module bpf tools tests deps demo check check-host check-guest \
	check-dkms bench install install-tools dkms-dist dkms-install dkms-remove \
	checkpatch clean FORCE
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:

all: modules tools tests

deps:
	$(Q)scripts/deps.sh

# ---- the module, once per kernel --------------------------------------------
modules module: $(foreach k,$(KVERS),$(BUILD)/$(k)/netlens.ko)
ifeq ($(KVERS),)
	@echo "netlens: no kernel headers found under /lib/modules/*/build:" >&2
	@echo "  install linux-headers-amd64 and/or linux-headers-6.12-amd64 (scripts/deps.sh)" >&2
	@exit 1
endif

# Each kernel gets its own tree of links to the sources so that objects of
# different kernels never mix.
$(BUILD)/%/netlens.ko: $(KMOD_SRCS) scripts/module-btf.sh
	@test -f $(call kdir,$*)/Makefile || { \
		echo "netlens: no headers for kernel $* at $(call kdir,$*):" \
		     "install linux-headers-$*" >&2; exit 1; }
	$(Q)mkdir -p $(BUILD)/$*/src
	$(Q)cp -asf $(CURDIR)/Kbuild $(CURDIR)/kmod $(CURDIR)/include $(BUILD)/$*/src/
	$(call msg,KMOD,$* -> $@)
	$(Q)$(MAKE) -C $(call kdir,$*) M=$(BUILD)/$*/src $(if $(Q),-s) modules
	$(Q)scripts/module-btf.sh $(BUILD)/$*/src/netlens.ko $* $(BUILD)/$* $(call kdir,$*)
	$(Q)cp $(BUILD)/$*/src/netlens.ko $@

# A module built without BTF for want of the kernel's image (headers only:
# module-btf.sh warned and left netlens.ko.no-vmlinux) is redone once it is there.
$(foreach k,$(KVERS),$(if $(and $(wildcard $(BUILD)/$(k)/netlens.ko.no-vmlinux),\
	$(wildcard /boot/vmlinuz-$(k))),$(eval $(BUILD)/$(k)/netlens.ko: FORCE)))

# ---- BPF ---------------------------------------------------------------------
$(BUILD)/vmlinux.h:
	@test -n "$(VMLINUX_BTF)" || { echo "netlens: no kernel BTF found" \
		"(/sys/kernel/btf/vmlinux or linux-headers-6.12-amd64's vmlinux)" >&2; exit 1; }
	$(Q)mkdir -p $(@D)
	$(call msg,GEN,$@ from $(VMLINUX_BTF))
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BUILD)/vmlinux.h include/uapi/linux/netlens.h kmod/netlens_kfuncs.h $(wildcard bpf/*.h)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(@:.o=.tmp.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.o=.tmp.o)

$(BUILD)/%.bpf.o: selftests/progs/%.bpf.c $(BUILD)/vmlinux.h include/uapi/linux/netlens.h kmod/netlens_kfuncs.h $(wildcard bpf/*.h)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(@:.o=.tmp.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.o=.tmp.o)

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

bpf: $(SKELS)

# ---- userspace ---------------------------------------------------------------
$(BUILD)/lib/%.o: userspace/lib/%.c $(wildcard userspace/lib/*.h) include/uapi/linux/netlens.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: userspace/%.c $(SKELS) $(wildcard userspace/lib/*.h) include/uapi/linux/netlens.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/bin/%: $(BUILD)/obj/%.o $(LIB_OBJS)
	$(Q)mkdir -p $(@D)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# In the build tree too, so that tests and the README's commands run them.
ALIAS_LINKS := $(foreach a,$(BOOK_ALIASES),$(BUILD)/bin/$(lastword $(subst :, ,$(a))))
tools: $(patsubst %,$(BUILD)/bin/%,$(TOOLS)) $(ALIAS_LINKS)

$(ALIAS_LINKS): $(BUILD)/bin/%: $(patsubst %,$(BUILD)/bin/%,$(sort $(foreach a,$(BOOK_ALIASES),$(firstword $(subst :, ,$(a))))))
	$(Q)ln -sf $(firstword $(subst :, ,$(filter %:$*,$(BOOK_ALIASES)))) $@

# ---- tests -------------------------------------------------------------------
$(KSFT_HDRS):
	@test -n "$(LINUX_SOURCE_TAR)" || { echo "netlens: install linux-source-6.1" \
		"(kselftest harness and checkpatch.pl come from it)" >&2; exit 1; }
	$(Q)mkdir -p $(KSFT_DIR)
	$(call msg,EXTRACT,kselftest harness + checkpatch.pl from $(LINUX_SOURCE_TAR))
	$(Q)tar -xJf $(LINUX_SOURCE_TAR) -C $(KSFT_DIR) --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	$(Q)touch $@

$(CHECKPATCH): $(KSFT_HDRS)

$(BUILD)/tests/%: selftests/host/%.c selftests/test_helpers.h $(KSFT_HDRS) $(LIB_OBJS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(BUILD)/tests/%: selftests/guest/%.c selftests/test_helpers.h $(KSFT_HDRS) $(LIB_OBJS) $(SKELS)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

tests: $(patsubst %,$(BUILD)/tests/%,$(HOST_TESTS) $(GUEST_TESTS))

$(BUILD)/bench/%: selftests/bench/%.c
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# Benchmarks are not tests: ratios measured side by side in one guest.
bench: deps
	$(Q)$(MAKE) all $(BUILD)/bench/skbload
	$(Q)scripts/bench.sh

# deps first, then a fresh make: what this one computed at parse time
# (kernels, libnl flags, BTF) may have been missing before the install.
check: deps
	$(Q)selftests/run_all.sh

demo: deps
	$(Q)$(MAKE) all $(BUILD)/bench/skbload
	$(Q)scripts/demo.sh

checkpatch: $(CHECKPATCH)
	$(Q)perl $(CHECKPATCH) --no-tree --quiet --ignore LINUX_VERSION_CODE \
		-f kmod/*.c kmod/*.h include/uapi/linux/netlens.h

# ---- install -----------------------------------------------------------------
INSTALL_KVER ?= $(or $(KVER),$(shell uname -r))

install: install-tools
	$(Q)$(MAKE) module KVER=$(INSTALL_KVER)
	$(Q)install -D -m 0644 $(BUILD)/$(INSTALL_KVER)/netlens.ko \
		$(DESTDIR)/lib/modules/$(INSTALL_KVER)/updates/netlens.ko
	$(Q)test -n "$(DESTDIR)" || depmod -a $(INSTALL_KVER)

# The book's names, and netlens-<tool> for each: Debian's own sockstat
# (package sockstat, /usr/bin) loses to $(PREFIX)/sbin on root's PATH, and
# netlens-sockstat is unambiguous on every PATH.
install-tools: tools
	$(Q)install -d $(DESTDIR)$(PREFIX)/sbin
	$(Q)install -m 0755 $(patsubst %,$(BUILD)/bin/%,$(TOOLS)) $(DESTDIR)$(PREFIX)/sbin/
	$(Q)for t in $(filter-out netlensctl,$(TOOLS)); do \
		ln -sf $$t $(DESTDIR)$(PREFIX)/sbin/netlens-$$t || exit 1; done
	$(Q)for a in $(BOOK_ALIASES); do \
		ln -sf $${a%%:*} $(DESTDIR)$(PREFIX)/sbin/$${a#*:} || exit 1; done

# The DKMS source tree: only what building the module needs.
DKMS_TREE := $(BUILD)/dkms/netlens-$(VERSION)
dkms-dist:
	$(Q)rm -rf $(DKMS_TREE) && mkdir -p $(DKMS_TREE)/scripts
	$(Q)cp -r Kbuild Makefile dkms.conf kmod include $(DKMS_TREE)/
	$(Q)cp scripts/module-btf.sh $(DKMS_TREE)/scripts/
	@echo "$(DKMS_TREE)"

dkms-install: dkms-dist
	$(Q)rm -rf /usr/src/netlens-$(VERSION)
	$(Q)cp -r $(DKMS_TREE) /usr/src/netlens-$(VERSION)
	$(Q)dkms add netlens/$(VERSION)
	$(Q)dkms install netlens/$(VERSION) $(if $(KVER),-k $(KVER))

dkms-remove:
	$(Q)dkms remove netlens/$(VERSION) --all
	$(Q)rm -rf /usr/src/netlens-$(VERSION)

clean:
	$(Q)rm -rf $(BUILD)
	$(Q)rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers \
		kmod/*.o kmod/.*.cmd

endif
