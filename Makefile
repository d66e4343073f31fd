# SPDX-License-Identifier: MIT
# vpnsim: one non-recursive Makefile. Sources are found by naming convention, so adding a
# file to a module is enough (see docs/architecture.md, "Build"):
#   models/*/*.c sim/*/*.c conformance/*.c library code (into build/libvpnsim.a)
#   sim/engine/*.cc                        the ns-3 wrapper (the one C++ file)
#   *_test.c                               a GLib test binary, run by prove
#   tests/*.t conformance/**/*.t           script tests, run by prove
#   *_fuzz.c                               a libFuzzer target (make fuzz)
#   bench/*.c *_bench.c                    a benchmark (make bench)
#   bench/*.cc                             a plain ns-3 reference a benchmark runs
#   tests/tools/*.c                        a program the script tests run (make tests)
#   sim/cli/main.c                         the vpnsim command
#
#   make                 build vpnsim (on every core unless -jN is given)
#   make check           build and run every test (prove -j2)
#   make check SANITIZE=1   the same under ASan+UBSan (objects in build/san/)
#   make bench           build and run the benchmarks (BENCH <name> <value> <unit>)
#   make fuzz            build the libFuzzer targets; make fuzz-run FUZZ_TIME=60 runs each
#   make fuzz-replay     run every fuzz seed corpus through its target once (a crash fails)
#   make run             run vpnsim on the default bundled scenario
#   make pcaps           rewrite the reference captures in pcaps/ (after a change on purpose)
#   make install PREFIX=/usr/local
# NO_DEPS=1 skips the check for missing Debian packages (scripts/install-deps).

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# Build on every core unless the command line says otherwise (make -jN, -j1): a fresh
# clone's `make run` and `make check` (the README's commands, CI's first two steps) would
# otherwise compile the library one file at a time (issue 21: CI's time).
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)

PREFIX ?= /usr/local
SANITIZE ?=
FUZZ_TIME ?= 60
DEFAULT_SCENARIO := scenarios/site-to-site/ikev2-default.yaml
VERSION := $(shell cat VERSION)

# ---- Debian packages: installed on demand before anything is built ----
NODEPS_GOALS := clean help distclean
ifeq ($(NO_DEPS),)
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell scripts/install-deps --check 2>/dev/null && echo ok),ok)
$(info vpnsim: some Debian packages are missing; running scripts/install-deps)
ifneq ($(shell scripts/install-deps 1>&2; echo $$?),0)
$(error scripts/install-deps failed: install the packages in scripts/debian-packages)
endif
endif
endif
endif

# ---- toolchain and flags ----
CC := gcc
CXX := g++
ifeq ($(SANITIZE),1)
  B := build/san
  OPT := -O1 -g -fno-omit-frame-pointer
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
else
  B := build
  OPT := -O2 -g
  SANFLAGS :=
endif

C_PKGS := glib-2.0 gio-2.0 openssl libpcap yaml-0.1 json-glib-1.0
NS3_MODULES := core network internet point-to-point csma applications virtual-net-device \
               fd-net-device traffic-control
NS3_PKGS := $(addprefix ns3-,$(NS3_MODULES))
# Debian's ns-3 .pc files carry a malformed "-I/usr\;" entry: drop it.
pc = $(shell pkg-config $(1) $(2) 2>/dev/null | sed -e 's/-I[^ ]*;//g')

CPPFLAGS := -I. -D_GNU_SOURCE -DVPNSIM_VERSION='"$(VERSION)"' \
            -DG_LOG_DOMAIN='"vpnsim"' -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
        -Wstrict-prototypes -Wpointer-arith -Wformat=2 -Wvla
CFLAGS := -std=gnu11 $(OPT) $(WARN) $(SANFLAGS) $(call pc,--cflags,$(C_PKGS))
CXXFLAGS := -std=gnu++17 $(OPT) -Wall -Wextra -Werror -Wno-unused-parameter $(SANFLAGS) \
            $(call pc,--cflags,$(NS3_PKGS))
LDFLAGS := $(SANFLAGS) -Wl,--as-needed
LDLIBS := $(call pc,--libs,$(C_PKGS)) $(call pc,--libs,$(NS3_PKGS)) -lm
DEPFLAGS = -MMD -MP

# ---- sources ----
SRC_C := $(wildcard models/*/*.c sim/*/*.c conformance/*.c)
TEST_C := $(filter %_test.c,$(SRC_C))
FUZZ_C := $(filter %_fuzz.c,$(SRC_C))
BENCH_C := $(filter %_bench.c,$(SRC_C)) $(wildcard bench/*.c)
BENCH_CC := $(wildcard bench/*.cc)
MAIN_C := sim/cli/main.c
LIB_C := $(filter-out %_test.c %_fuzz.c %_bench.c $(MAIN_C),$(SRC_C))
LIB_CC := $(wildcard sim/engine/*.cc)
TESTLIB_C := $(wildcard tests/lib/*.c)
TOOL_C := $(wildcard tests/tools/*.c)
TEST_T := $(sort $(wildcard tests/*.t conformance/*.t conformance/*/*.t))
# prove -j2 starts the files in the order given: the longest first (conformance-shard.t,
# one process at a time, 430 CPU-s under SANITIZE=1 before malloc_context_size=2; the two
# catalogue runs each keep both cores busy themselves: conformance --jobs 2, xargs -P 2),
# then the live interop tests, which mostly wait on real time and so share the cores with
# a long one, then the rest. In plain file order tests/run.t started last and ran alone
# (issue 21, CI's time).
TEST_FIRST := tests/conformance-shard.t tests/catalogue-selftest.t tests/conformance-catalogue.t \
              $(wildcard conformance/interop/*.t) tests/run.t tests/reference-pcaps.t \
              tests/secrets.t tests/malformed.t tests/report-html.t \
              tests/nat-tshark.t tests/p2s-tls.t
TEST_FIRST := $(foreach t,$(TEST_FIRST),$(filter $(t),$(TEST_T)))

obj = $(addprefix $(B)/,$(patsubst %.c,%.o,$(patsubst %.cc,%.o,$(1))))
# The conformance catalogue's tables (conf_checks[], conf_faults[]) are generated C, from
# the check: block of every check file (conformance/gen/gen_catalogue.c, issue 20).
GEN := build/gen
CHECK_FILES := $(sort $(wildcard conformance/checks/*.yaml))
CATALOGUE_C := $(GEN)/catalogue_table.c
LIB_O := $(call obj,$(LIB_C) $(LIB_CC)) $(B)/gen/catalogue_table.o
TESTLIB_O := $(call obj,$(TESTLIB_C))
TEST_BIN := $(patsubst %.o,%,$(call obj,$(TEST_C)))
BENCH_BIN := $(patsubst %.o,%,$(call obj,$(BENCH_C) $(BENCH_CC)))
TOOL_BIN := $(patsubst %.o,%,$(call obj,$(TOOL_C)))
LIB_A := $(B)/libvpnsim.a
TESTLIB_A := $(B)/libvpnsim-test.a
VPNSIM_BIN := $(B)/vpnsim

# ---- build (V=1 shows the commands) ----
ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-6s %s\n' $(1) $(2)
endif

.PHONY: all check bench fuzz fuzz-run fuzz-replay run install clean help tests pcaps
all: $(VPNSIM_BIN)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/%.o: %.cc
	@mkdir -p $(@D)
	$(call say,CXX,$<)
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

# The generator: a host program (no sanitizers) reading the files with the scenario
# loader's YAML tree. The folder is a prerequisite too: a check file removed rebuilds.
GEN_SRC := conformance/gen/gen_catalogue.c conformance/catalogue_groups.c \
           sim/scenario/ytree.c models/common/diag.c
$(GEN)/gen-catalogue: $(GEN_SRC) conformance/catalogue.h sim/scenario/ytree.h models/common/diag.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) -std=gnu11 -O1 $(WARN) $(call pc,--cflags,glib-2.0 yaml-0.1) \
	  $(GEN_SRC) -o $@ $(call pc,--libs,glib-2.0 yaml-0.1)

$(CATALOGUE_C): $(GEN)/gen-catalogue $(CHECK_FILES) conformance/checks
	$(call say,GEN,$@)
	$(Q)$(GEN)/gen-catalogue $@ $(CHECK_FILES)

$(B)/gen/catalogue_table.o: $(CATALOGUE_C)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_O)
	@mkdir -p $(@D)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(TESTLIB_A): $(TESTLIB_O)
	@mkdir -p $(@D)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The C++ driver links everything: the wrapper in the archive needs libstdc++.
$(VPNSIM_BIN): $(call obj,$(MAIN_C)) $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(TEST_BIN): %: %.o $(TESTLIB_A) $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(patsubst %.o,%,$(call obj,$(BENCH_C))): %: %.o $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(patsubst %.o,%,$(call obj,$(BENCH_CC))): %: %.o
	$(call say,LINK,$@)
	$(Q)$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Programs the script tests run (tests/tools/*.c: a hostile peer's generator).
$(TOOL_BIN): %: %.o $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

tests: $(VPNSIM_BIN) $(TEST_BIN) $(TOOL_BIN)

# ---- tests: every GLib test binary and script test, through prove ----
# The test environment: where the build is, for script tests. The binary's make variable
# (VPNSIM_BIN, relative, the target of its rule) stays apart from the exported absolute
# VPNSIM: a rule written for one name and a prerequisite naming the other would ask for a
# file no rule makes (issue 24: make run, bench and install failed on a fresh clone).
export VPNSIM_TOP := $(CURDIR)
export VPNSIM_BUILD := $(CURDIR)/$(B)
export VPNSIM := $(CURDIR)/$(VPNSIM_BIN)
export G_DEBUG := fatal-criticals
# malloc_context_size=2: ASan keeps two frames of each allocation's and free's stack, not
# thirty. Detection is the same (every overflow, use after free and leak is still caught,
# and a report's own stack is whole); only a report's "allocated by"/"freed by" stacks are
# short. The deeper frames run through ns-3 and libstdc++, built without frame pointers:
# the fast unwinder turns them into garbage, every garbage stack is new to ASan's stack
# depot, and the depot's lookups took 40% of a packet-heavy run (a SKU scenario: 29.6 CPU-s
# with thirty frames, 8.9 with two; issue 21, CI's time). For the long stacks when
# reading a report: make check SANITIZE=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export ASAN_OPTIONS := detect_leaks=1:abort_on_error=1:malloc_context_size=2
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

check: tests
	prove -j2 --exec '' $(TEST_FIRST) $(TEST_BIN) $(filter-out $(TEST_FIRST),$(TEST_T))

# ---- benchmarks ----
# The C benchmarks are run; the C++ ones (bench/*.cc) are plain ns-3 references that a C
# benchmark runs itself, so both figures and the ratio come from the same run.
BENCH_RUN := $(patsubst %.o,%,$(call obj,$(BENCH_C)))
bench: $(VPNSIM_BIN) $(BENCH_BIN)
	@set -e; for b in $(BENCH_RUN); do echo "# $$b" >&2; $$b; done

# ---- fuzzing (clang, libFuzzer + ASan + UBSan; objects in build/fuzz/) ----
FB := build/fuzz
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARN) \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
               $(call pc,--cflags,$(C_PKGS))
FUZZ_LIB_O := $(addprefix $(FB)/,$(patsubst %.c,%.o,$(LIB_C))) $(FB)/gen/catalogue_table.o
FUZZ_BIN := $(addprefix $(FB)/,$(patsubst %.c,%,$(FUZZ_C)))

$(FB)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CLANG,$<)
	$(Q)clang $(CPPFLAGS) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FB)/gen/catalogue_table.o: $(CATALOGUE_C)
	@mkdir -p $(@D)
	$(call say,CLANG,$<)
	$(Q)clang $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FB)/libvpnsim.a: $(FUZZ_LIB_O)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BIN): %: %.o $(FB)/libvpnsim.a
	$(call say,LINK,$@)
	$(Q)clang++ -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $^ $(call pc,--libs,$(C_PKGS)) -lm -o $@

fuzz: $(FUZZ_BIN)

# Run each target for FUZZ_TIME seconds; the corpus grows in build/fuzz/corpus/<name>,
# seeded from <module>/fuzz-seeds/<name>/ when that folder exists.
fuzz-run: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
	  n=$$(basename $$f); src=$$(dirname $${f#$(FB)/}); \
	  mkdir -p $(FB)/corpus/$$n; \
	  seeds=; [ -d $$src/fuzz-seeds/$$n ] && seeds=$$src/fuzz-seeds/$$n; \
	  echo "# fuzzing $$n for $(FUZZ_TIME) s" >&2; \
	  $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $(FB)/corpus/$$n $$seeds; \
	done

# Replay every file of every seed corpus through its target once (ASan+UBSan, as OSS-Fuzz
# replays its regression corpora): a crash, leak or sanitizer report fails the target.
# Each target's seeds are <module>/fuzz-seeds/<name>/; a target without seeds is run on an
# empty input so it is at least started.
fuzz-replay: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
	  n=$$(basename $$f); src=$$(dirname $${f#$(FB)/}); seeds=$$src/fuzz-seeds/$$n; \
	  if [ -d $$seeds ]; then files=$$(find $$seeds -type f | sort); \
	  else files=$(FB)/empty.input; : >$$files; fi; \
	  echo "# replaying $$(echo $$files | wc -w) inputs through $$n" >&2; \
	  $$f -runs=1 $$files >$(FB)/$$n.replay.log 2>&1 || { tail -40 $(FB)/$$n.replay.log >&2; \
	    echo "fuzz-replay: $$n failed on its seed corpus (log: $(FB)/$$n.replay.log)" >&2; exit 1; }; \
	done

# ---- run, install, clean ----
run: $(VPNSIM_BIN)
	$(VPNSIM_BIN) run $(DEFAULT_SCENARIO)

# Rewrite the reference captures in pcaps/ (tests/reference-pcaps.t requires them byte for
# byte): only after a change of behaviour on purpose, said so in the commit.
pcaps: $(VPNSIM_BIN)
	scripts/reference-pcaps update

install: $(VPNSIM_BIN)
	install -D -m 0755 $(VPNSIM_BIN) $(DESTDIR)$(PREFIX)/bin/vpnsim
	mkdir -p $(DESTDIR)$(PREFIX)/share/vpnsim
	cp -r scenarios profiles $(DESTDIR)$(PREFIX)/share/vpnsim/
	mkdir -p $(DESTDIR)$(PREFIX)/share/vpnsim/conformance
	cp -r conformance/checks $(DESTDIR)$(PREFIX)/share/vpnsim/conformance/

clean:
	rm -rf build

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

-include $(shell find build -name '*.d' 2>/dev/null)
