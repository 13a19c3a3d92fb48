# xltool build.  `make` builds build/xltool and build/xm; `make check` runs
# every test; `make check SAN=1` does the same under ASan and UBSan.
#
# `make check VALGRIND=1` runs the unit tests and every golden config test
# (`xltool create -n`) under valgrind memcheck (leaks, invalid accesses,
# uninitialised values, descriptors left open), and the CLI scenario of
# tests/integration/valgrind.sh (list, create, pause, save/restore, rename,
# destroy, ... on the simulated backend) with $XLTOOL under valgrind.  Only
# that scenario of the integration tests runs: the simulated backend forks
# a supervisor and a guest per domain that live as long as the domain, and
# the other scripts time guests at native speed, so a full suite under
# valgrind is impractical.  The CLI's own process is checked there; the
# supervisor and guest code is checked by the sim unit tests, which fork
# them in-process and are run with children traced.  Plain `make check`
# keeps a bounded part of this through integration/valgrind.

CC       ?= cc
SAN      ?= 0
VALGRIND ?= 0
PREFIX   ?= /usr/local
XL       ?= 0

ifeq ($(SAN),1)
BUILD    ?= build/san
SANFLAGS  = -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
else
BUILD    ?= build
SANFLAGS  =
endif

PKGS      = xenlight xlutil libconfig yajl openssl libnl-route-3.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN      = -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -DHAVE_YAJL_YAJL_VERSION_H \
            -Iconfig-parser -Icore -Irelocation -Ibridge -Ixltool \
            $(PKG_CFLAGS)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
LDLIBS   += $(PKG_LIBS) -lutil -lm -lpthread

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CPPFLAGS += -DXLTOOL_VERSION='"$(VERSION)"'
# The simulated hypervisor's compile date: the build's, or
# SOURCE_DATE_EPOCH's when set, so that a package build is reproducible.
BUILD_DATE := $(shell date -u -d "@$${SOURCE_DATE_EPOCH:-$$(date +%s)}" \
                '+%a %b %e %H:%M:%S UTC %Y')
CPPFLAGS += -DXLTOOL_BUILD_DATE='"$(BUILD_DATE)"'

# Each module directory is a library module; the CLI links them all.
MODULES   = config-parser core relocation bridge
LIB_SRCS  = $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
CLI_SRCS  = $(wildcard xltool/*.c)
LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  = $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
LIB       = $(BUILD)/libxltool.a

MAN1      = $(wildcard man/*.1)
MAN5      = $(wildcard man/*.5)

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELPER_SRCS = $(wildcard tests/helpers/*.c)
TEST_HELPER_BINS = $(TEST_HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/%)

.PHONY: all check demo fuzz bench lab-check clean install uninstall format

all: $(BUILD)/xltool $(BUILD)/xm

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/xltool: $(CLI_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/xm: $(BUILD)/xltool
	ln -sf xltool $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) \
	    $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/helpers/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

# The test driver runs unit tests, golden config tests and integration
# scripts, and prints one closing line "N passed, N failed, N skipped".
check: all $(UNIT_BINS) $(TEST_HELPER_BINS)
ifeq ($(SAN)$(VALGRIND),11)
	$(error SAN=1 and VALGRIND=1 do not mix: valgrind cannot run ASan binaries)
endif
	BUILD=$(BUILD) SAN=$(SAN) VALGRIND=$(VALGRIND) tests/run-tests $(TESTS)

# Creates the busybox example domain (simulated backend without Xen).
demo: all
	XLTOOL=$(CURDIR)/$(BUILD)/xltool scripts/demo

fuzz:
	$(MAKE) -f tests/fuzz/fuzz.mk FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60)

bench: all
	bench/run-all $(BUILD)

lab-check: all
	tests/lab/run-lab $(BUILD)

# Where `make install` puts what the Debian package ships too: the units
# and the completion where systemd and bash-completion look for them under
# PREFIX (/usr: the system's own directories), the examples under the doc
# directory, and /etc/xen/xltool.conf (with no key or certificate named)
# only when there is none yet: an admin's config is never overwritten.
ifeq ($(PREFIX),/usr)
UNITDIR  ?= /lib/systemd/system
else
UNITDIR  ?= $(PREFIX)/lib/systemd/system
endif
COMPDIR  ?= $(PREFIX)/share/bash-completion/completions
DOCDIR   ?= $(PREFIX)/share/doc/xltool
CONFDIR  ?= /etc/xen

# `make install XL=1` makes xltool the host's xl as well (scripts/host-xl:
# PREFIX/sbin/xl, and Debian's packaged /usr/sbin/xl diverted to
# /usr/sbin/xl.distrib); `make uninstall` removes xltool and gives the
# host its own xl back (and removes xltool.conf only if it is still the
# one install put there: an edited one is the admin's).
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(COMPDIR) $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(CONFDIR)
	install -m 755 $(BUILD)/xltool $(DESTDIR)$(PREFIX)/sbin/xltool
	ln -sf xltool $(DESTDIR)$(PREFIX)/sbin/xm
	install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	ln -sf xltool.1 $(DESTDIR)$(PREFIX)/share/man/man1/xm.1
	install -m 644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5/
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' dist/xltool-relocation.service.in \
	    >$(DESTDIR)$(UNITDIR)/xltool-relocation.service
	chmod 644 $(DESTDIR)$(UNITDIR)/xltool-relocation.service
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' dist/xltool-domains.service.in \
	    >$(DESTDIR)$(UNITDIR)/xltool-domains.service
	chmod 644 $(DESTDIR)$(UNITDIR)/xltool-domains.service
	install -m 644 dist/bash-completion/xltool $(DESTDIR)$(COMPDIR)/xltool
	ln -sf xltool $(DESTDIR)$(COMPDIR)/xm
	install -m 644 examples/*.cfg examples/xltool.conf \
	    $(DESTDIR)$(DOCDIR)/examples/
	[ -e $(DESTDIR)$(CONFDIR)/xltool.conf ] || \
	    install -m 644 dist/xltool.conf $(DESTDIR)$(CONFDIR)/xltool.conf
ifeq ($(XL),1)
	DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' scripts/host-xl install
endif

uninstall:
	DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' scripts/host-xl remove
	rm -f $(DESTDIR)$(PREFIX)/sbin/xltool $(DESTDIR)$(PREFIX)/sbin/xm
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MAN1)))
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/xm.1
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man5/,$(notdir $(MAN5)))
	rm -f $(DESTDIR)$(UNITDIR)/xltool-relocation.service
	rm -f $(DESTDIR)$(UNITDIR)/xltool-domains.service
	rm -f $(DESTDIR)$(COMPDIR)/xltool $(DESTDIR)$(COMPDIR)/xm
	rm -rf $(DESTDIR)$(DOCDIR)
	! cmp -s dist/xltool.conf $(DESTDIR)$(CONFDIR)/xltool.conf || \
	    rm -f $(DESTDIR)$(CONFDIR)/xltool.conf

format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(wildcard */*.h)

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
