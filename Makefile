# ntmm — build, test, benchmark, demonstrate, install.
#   make          the library (build/release/libntmm.a) and the examples
#   make demo     install missing packages, build, run the guided demonstration
#   make check    build with AddressSanitizer and UBSan, run every test
#   make bench    build optimised and run the benchmarks
#   make fuzz     build the libFuzzer harnesses with clang, run each for
#                 FUZZ_SECONDS over a copy of its corpus (FUZZ_SAVE=1 merges
#                 what they found into fuzz/corpus/)
#   make install  PREFIX=DIR: headers, libntmm.a, ntmm.pc, the shell and ntmm.1
CC ?= cc
PREFIX ?= /usr/local
AR ?= ar

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CPPFLAGS := -D_DEFAULT_SOURCE -Iinclude -Isrc
RELEASE_CFLAGS := $(WARN) -O2 -g
CHECK_CFLAGS := $(WARN) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
CHECK_LDFLAGS := -fsanitize=address,undefined

LIB_SRC := $(sort $(filter-out src/shell/%,$(wildcard src/*/*.c)))
SHELL_SRC := $(sort $(wildcard src/shell/*.c))
SHELL_CFLAGS := $(shell pkg-config --cflags lua5.4 libedit 2>/dev/null)
SHELL_LIBS := $(shell pkg-config --libs lua5.4 libedit 2>/dev/null)
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_SCRIPTS := $(sort $(wildcard tests/test_*.sh))
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
HEADERS := $(wildcard include/ntmm/*.h src/*/*.h)

BUILD ?= build
REL := $(BUILD)/release
CHK := $(BUILD)/check

REL_OBJ := $(LIB_SRC:src/%.c=$(REL)/obj/%.o)
CHK_OBJ := $(LIB_SRC:src/%.c=$(CHK)/obj/%.o)
TESTS := $(TEST_SRC:tests/%.c=$(CHK)/tests/%)
EXAMPLES := $(EXAMPLE_SRC:examples/%.c=$(REL)/examples/%)
BENCHES := $(BENCH_SRC:bench/%.c=$(REL)/bench/%)
FUZZ_CHECK := $(FUZZ_SRC:fuzz/%.c=$(CHK)/fuzz/%)

# make fuzz: the library and the harnesses instrumented for libFuzzer.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FZ := $(BUILD)/fuzz
FUZZ_CFLAGS := $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_OBJ := $(LIB_SRC:src/%.c=$(FZ)/obj/%.o)
FUZZERS := $(FUZZ_SRC:fuzz/%.c=$(FZ)/%)

.PHONY: all demo check bench fuzz install deps clean
SHELL_BIN := $(if $(SHELL_SRC),ntmm)

all: $(REL)/libntmm.a $(SHELL_BIN:%=$(REL)/%) $(EXAMPLES)

$(REL)/ntmm: $(SHELL_SRC) $(REL)/libntmm.a $(HEADERS) $(wildcard src/shell/*.h)
	$(CC) $(CPPFLAGS) $(SHELL_CFLAGS) $(RELEASE_CFLAGS) $(SHELL_SRC) $(REL)/libntmm.a $(SHELL_LIBS) -o $@

$(CHK)/ntmm: $(SHELL_SRC) $(CHK)/libntmm.a $(HEADERS) $(wildcard src/shell/*.h)
	$(CC) $(CPPFLAGS) $(SHELL_CFLAGS) $(CHECK_CFLAGS) $(SHELL_SRC) $(CHK)/libntmm.a $(SHELL_LIBS) $(CHECK_LDFLAGS) -o $@

deps:
	@scripts/deps.sh

$(REL)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(RELEASE_CFLAGS) -c $< -o $@

$(CHK)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(REL)/libntmm.a: $(REL_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(CHK)/libntmm.a: $(CHK_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(REL)/examples/%: examples/%.c $(REL)/libntmm.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(RELEASE_CFLAGS) $< $(REL)/libntmm.a -o $@

$(REL)/bench/%: bench/%.c $(wildcard bench/*.h) tests/pe_synth.h $(REL)/libntmm.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(RELEASE_CFLAGS) $< $(REL)/libntmm.a -o $@

$(CHK)/tests/%: tests/%.c $(wildcard tests/*.h) $(CHK)/libntmm.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $< $(CHK)/libntmm.a -lcmocka $(CHECK_LDFLAGS) -o $@

# A harness with the standalone driver, for make check (tests/test_fuzz_corpus.sh).
$(CHK)/fuzz/%: fuzz/%.c fuzz/driver.c fuzz/fuzz.h $(CHK)/libntmm.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $< fuzz/driver.c $(CHK)/libntmm.a $(CHECK_LDFLAGS) -o $@

$(FZ)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ)/libntmm.a: $(FUZZ_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FZ)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FZ)/libntmm.a $(HEADERS)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FZ)/libntmm.a -o $@

# deps first, then a new make: the shell's flags come from pkg-config, which
# only knows Lua and libedit once deps.sh has installed them.
demo: deps
	@$(MAKE) -s --no-print-directory all
	@scripts/tour.sh $(REL)/ntmm

check: deps
	@$(MAKE) -s --no-print-directory $(TESTS) $(CHK)/examples-built $(CHK)/pe/built $(SHELL_BIN:%=$(CHK)/%) $(FUZZ_CHECK)
	@NTMM_PE_DIR=$(CURDIR)/$(CHK)/pe NTMM=$(CURDIR)/$(CHK)/ntmm NTMM_FUZZ=$(CURDIR)/$(CHK)/fuzz \
		scripts/run-tests.sh $(TESTS) $(TEST_SCRIPTS)

# The examples must build warning-free under the sanitizers as well.
$(CHK)/examples-built: $(EXAMPLE_SRC) $(CHK)/libntmm.a $(HEADERS)
	@mkdir -p $(CHK)/examples
	@for e in $(EXAMPLE_SRC); do \
		$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $$e $(CHK)/libntmm.a $(CHECK_LDFLAGS) \
			-o $(CHK)/examples/$$(basename $$e .c) || exit 1; done
	@touch $@

# The PE images tests/test_pe.c reads: always clang and lld-link, whatever CC is.
$(CHK)/pe/built: tests/pe/build.sh $(wildcard tests/pe/*.c)
	@tests/pe/build.sh $(CHK)/pe
	@touch $@

bench: deps
	@$(MAKE) -s --no-print-directory $(BENCHES)
	@for b in $(BENCHES); do $$b || exit 1; done

fuzz: deps
	@$(MAKE) -s --no-print-directory $(FUZZERS)
	@scripts/fuzz.sh $(FZ) $(FUZZ_SECONDS) $(FUZZERS)

# The man page is the shell's help (src/tools/help_*.c), as ntmm prints it.
$(REL)/ntmm.1: $(REL)/ntmm
	$(REL)/ntmm --help-man > $@

install: $(REL)/libntmm.a $(SHELL_BIN:%=$(REL)/%) $(SHELL_BIN:%=$(REL)/%.1)
	install -d $(DESTDIR)$(PREFIX)/include/ntmm $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	$(if $(SHELL_BIN),install -m 755 $(REL)/ntmm $(DESTDIR)$(PREFIX)/bin/)
	$(if $(SHELL_BIN),install -d $(DESTDIR)$(PREFIX)/share/man/man1)
	$(if $(SHELL_BIN),install -m 644 $(REL)/ntmm.1 $(DESTDIR)$(PREFIX)/share/man/man1/)
	install -m 644 include/ntmm/*.h $(DESTDIR)$(PREFIX)/include/ntmm/
	install -m 644 $(REL)/libntmm.a $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|'"$$(sed -n 's/^#define NTMM_VERSION "\(.*\)"/\1/p' include/ntmm/ntmm.h)"'|' \
		ntmm.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ntmm.pc

clean:
	rm -rf $(BUILD)
