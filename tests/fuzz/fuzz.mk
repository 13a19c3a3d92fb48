# Builds the libFuzzer target of the config reader and runs it for a
# bounded time from a seed corpus (the golden configs and the examples).
# Called by `make fuzz` with FUZZ_SECONDS (default 60).  Any crash, leak
# or sanitizer report fails the run, but for the libxl leak that
# tests/fuzz/lsan.supp names.

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR      = build/fuzz
PKGS          = xenlight xlutil yajl
FUZZ_CFLAGS   = -std=gnu11 -g -O1 -D_GNU_SOURCE -DHAVE_YAJL_YAJL_VERSION_H \
                -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -Iconfig-parser \
                $(shell pkg-config --cflags $(PKGS))
FUZZ_LIBS     = $(shell pkg-config --libs $(PKGS))
FUZZ_SRCS     = tests/fuzz/fuzz_cfg.c $(wildcard config-parser/*.c)

.PHONY: run
run: $(FUZZ_DIR)/fuzz_cfg
	rm -rf $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	cp tests/config/*.cfg examples/*.cfg $(FUZZ_DIR)/corpus/
	XLTOOL_XL_CONF=/dev/null \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	    $(FUZZ_DIR)/fuzz_cfg \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -print_final_stats=1 \
	    -dict=tests/fuzz/cfg.dict \
	    -artifact_prefix=$(FUZZ_DIR)/artifacts/ $(FUZZ_DIR)/corpus

$(FUZZ_DIR)/fuzz_cfg: $(FUZZ_SRCS) config-parser/cfg.h config-parser/cfg_int.h
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS) $(FUZZ_LIBS)
