# ngx_session_guard: build, test, demo.
#
#   make            build the module (the packages it needs: make deps)
#   make deps       install the missing Debian and npm packages
#   make demo       build and start nginx with the module on 127.0.0.1,
#                   and an OpenID provider for its login (t/tools/demo)
#   make demo-stop  stop them
#   make test       everything: unit tests, the t/ suite, nginx -t on conf/
#   make lint       mechanical style rules and cppcheck
#   make bench      benchmarks against plain nginx and an njs peer (a few
#                   minutes; BENCH_QUICK=1: a smoke run of ~30 s, part of
#                   "make test"; PEER=dir, BEFORE=file.so, LOCKSTATS=1:
#                   see below); see docs/performance.md
#   make bench-callgrind  instructions per request of the bench scenarios
#                   under valgrind (SCENARIOS="bearer ..."; a few minutes)
#   make fuzz       libFuzzer targets of the core, FUZZ_SECONDS (30) each
#   make fuzz-repro T=target F=file   replay one input (a crash) in a target
#   make test-asan  the t/ suite with an ASan+UBSan build of the module
#   make test-reload  reloads, a restart and a killed worker under wrk load
#                   (~17 s; not part of "make test"), see docs/testing.md
#   make test-valgrind  the t/ suite with nginx under valgrind memcheck
#                   (slow; not part of "make test"), see docs/testing.md
#
# NGINX_SRC=dir builds against an upstream nginx source tree instead of
# Debian's nginx-dev tree (see docs/install.md).

SHELL        := /bin/bash
.DEFAULT_GOAL := all

NGINX_SRC    ?= /usr/share/nginx/src
NGINX_BIN    ?= /usr/sbin/nginx
BUILD        ?= $(CURDIR)/build
NGX_BUILD    := $(BUILD)/nginx
MODULE_NAME  := ngx_http_session_guard_module
MODULE       := $(BUILD)/$(MODULE_NAME).so

DEMO_PORT    ?= 8080
DEMO_DIR     ?= $(BUILD)/demo

# Debian's own compiler and linker options for nginx, so that the module
# matches the binary it is loaded into.
NGX_CC_OPT   ?= -g -O2 -fstack-protector-strong -Wformat \
                -Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2
NGX_LD_OPT   ?= -Wl,-z,relro -Wl,-z,now -fPIC
# Used only with an upstream NGINX_SRC tree.
NGX_UPSTREAM_FLAGS ?= --with-compat --with-http_ssl_module \
                      --with-http_realip_module --with-http_auth_request_module

DEB_PACKAGES := gcc make perl curl nginx nginx-dev libssl-dev \
                libjansson-dev libmaxminddb-dev libcmocka-dev cppcheck \
                libtest-base-perl libtext-diff-perl libwww-perl \
                libcrypt-jwt-perl libcryptx-perl \
                python3-prometheus-client wrk libnginx-mod-http-js
# the real browser of t/790-oidc-browser.t, driven by t/interop's
# puppeteer-core (which never downloads a browser of its own)
BROWSER_PACKAGES := chromium

SOURCES      := $(wildcard ngx_session_guard/*.[ch] ngx_session_guard/*/*.[ch])

# Upstream Test::Nginx when it is importable, the bundled runner (and its
# own self-tests) otherwise.  The self-tests of the lifecycle both share
# (when eval runs, server root, nginx restarts) run with either.
UPSTREAM_TN   = $(shell perl -MTest::Nginx::Socket -e1 >/dev/null 2>&1 \
                        && echo yes)
PROVE_INC     = $(if $(UPSTREAM_TN),,-I t/runner)
SHARED_SELF   = t/selftest/008-lifecycle.t t/selftest/009-servroot.t
PROVE_FILES   = t/*.t $(if $(UPSTREAM_TN),$(SHARED_SELF),t/selftest/*.t)
# Two test files at a time (about half the wall time of one on two CPUs);
# with more than one, each file gets its own port and server root
# (TEST_NGINX_RANDOMIZE=1 unless set).  PROVE_JOBS=1: one at a time, in
# t/servroot on port 1984.
PROVE_JOBS   ?= 2
PROVE_ENV     = $(if $(filter-out 1,$(PROVE_JOBS)),\
                  TEST_NGINX_RANDOMIZE=$${TEST_NGINX_RANDOMIZE:-1})
# valgrind is slow enough on its own: one file at a time unless told
VG_JOBS      ?= 1
# compilers run in parallel (the module, the unit tests, the fuzz targets)
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)

export TEST_NGINX_BINARY ?= $(NGINX_BIN)
export TEST_NGINX_SG_MODULE ?= $(MODULE)

.PHONY: all deps build module unit test test-t conf-check lint demo \
        demo-stop bench bench-quick bench-callgrind bench-peer \
        bench-lockstats clean FORCE fuzz \
        fuzz-deps fuzz-build fuzz-repro test-asan fuzz-smoke test-reload \
        test-valgrind

all: build

# Installs only what is missing; silent when everything is there.
deps:
	@missing=; \
	for p in $(DEB_PACKAGES) $(BROWSER_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# npm packages of the interoperability tests (t/interop: DPoP, OpenID, the
# browser driver), from the committed lock file: installed when
# node_modules is missing or older than the lock.  Debian's nodejs and
# npm come only when there is no node or npm at all (another build of
# Node.js, e.g. NodeSource's, is kept).
INTEROP       := t/interop
INTEROP_STAMP := $(INTEROP)/node_modules/.installed

deps: $(INTEROP_STAMP)

$(INTEROP_STAMP): $(INTEROP)/package-lock.json $(INTEROP)/package.json
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	    echo "installing Debian packages: nodejs npm"; \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends nodejs npm >/dev/null || exit 1; \
	fi
	@echo "installing the npm packages of $(INTEROP) (npm ci)"
	@npm ci --prefix $(INTEROP) --no-audit --no-fund --loglevel=error
	@touch $@

build: $(MODULE)

module: build

# Reconfigured when "config" changes, and when the nginx tree does (an
# upgraded nginx-dev, another NGINX_SRC): a module must match its nginx.
NGX_STAMP    := $(BUILD)/nginx-src.stamp
NGX_SRC_ID    = $(NGINX_SRC) $(shell cat $(NGINX_SRC)/src/core/nginx.h \
                    2>/dev/null | cksum)

$(NGX_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(NGX_SRC_ID)' | cmp -s - $@ || echo '$(NGX_SRC_ID)' > $@

FORCE:

$(NGX_BUILD)/objs/Makefile: config $(NGX_STAMP)
	@[ -d $(NGINX_SRC)/src ] || { echo "no nginx source tree in" \
	    "$(NGINX_SRC): run \"make deps\" (Debian's nginx-dev) or give" \
	    "NGINX_SRC=dir"; exit 1; }
	@rm -rf $(NGX_BUILD) && mkdir -p $(BUILD)
	@if [ -f $(NGINX_SRC)/conf_flags ]; then \
	    echo "configuring against Debian's nginx-dev ($(NGINX_SRC))"; \
	    cp -a $(NGINX_SRC) $(NGX_BUILD) && cd $(NGX_BUILD) && \
	    . ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" \
	        --with-cc-opt='$(NGX_CC_OPT)' --with-ld-opt='$(NGX_LD_OPT)' \
	        --add-dynamic-module=$(CURDIR) > $(BUILD)/configure.log 2>&1 \
	        || { tail -20 $(BUILD)/configure.log; exit 1; }; \
	else \
	    echo "configuring against $(NGINX_SRC)"; \
	    cp -a $(NGINX_SRC) $(NGX_BUILD) && cd $(NGX_BUILD) && \
	    { [ -x ./configure ] || cp auto/configure ./configure; } && \
	    ./configure $(NGX_UPSTREAM_FLAGS) \
	        --add-dynamic-module=$(CURDIR) > $(BUILD)/configure.log 2>&1 \
	        || { tail -20 $(BUILD)/configure.log; exit 1; }; \
	fi

$(MODULE): $(NGX_BUILD)/objs/Makefile $(SOURCES)
	@$(MAKE) -s -j$(JOBS) -C $(NGX_BUILD) -f objs/Makefile modules
	@# a new file renamed over the old: a running nginx keeps its mapping
	@cp $(NGX_BUILD)/objs/$(MODULE_NAME).so $(MODULE).tmp
	@mv -f $(MODULE).tmp $(MODULE)
	@echo "built $(MODULE)"

unit: deps
	@$(MAKE) -s -j$(JOBS) -C t/unit all BUILD=build
	@$(MAKE) -s -C t/unit run BUILD=build

# Every example configuration must pass "nginx -t" with the module loaded.
conf-check: build
	@t/tools/conf-check $(NGINX_BIN) $(MODULE) conf/*.conf

test-t: build
	$(PROVE_ENV) prove $(PROVE_INC) -j$(PROVE_JOBS) $(PROVE_FILES)

test: deps build lint unit conf-check test-t bench-quick test-asan \
      fuzz-smoke

# A few seconds per fuzz target, on every change; "make fuzz" runs longer.
fuzz-smoke:
	@$(MAKE) -s fuzz FUZZ_SECONDS=3

# Debian nginx with the module, wrk, loopback ports 19080-19979; results in
# $(BUILD)/bench/results.json.
#   PEER=dir       also kjdev/nginx-auth-jwt from a local checkout (never
#                  committed), built into $(BUILD)/peer
#   BEFORE=file.so each module scenario again with that module, adjacent
#   LOCKSTATS=1    the module built again with -DNGX_SG_LOCKSTATS=1 into
#                  $(BUILD)/lockstats for the zone lock figures (w2_* runs)
PEER_BUILD      := $(BUILD)/peer
LOCKSTATS_BUILD := $(BUILD)/lockstats

bench: deps build $(if $(PEER),bench-peer) $(if $(LOCKSTATS),bench-lockstats)
	@BENCH_QUICK=$(BENCH_QUICK) \
	    BENCH_PEER=$(if $(PEER),$(PEER_BUILD)/ngx_http_auth_jwt_module.so) \
	    BENCH_BEFORE=$(BEFORE) \
	    BENCH_LOCKSTATS=$(if $(LOCKSTATS),$(LOCKSTATS_BUILD)/$(MODULE_NAME).so) \
	    t/tools/bench $(NGINX_BIN) $(MODULE) $(BUILD)

bench-peer:
	@[ -n "$(PEER)" ] || { echo "bench-peer: PEER=dir"; exit 1; }
	@t/tools/bench-build-peer $(abspath $(PEER)) $(NGINX_SRC) \
	    $(PEER_BUILD) '$(NGX_CC_OPT)' '$(NGX_LD_OPT)'

bench-lockstats:
	@$(MAKE) -s build BUILD=$(LOCKSTATS_BUILD) \
	    "NGX_CC_OPT=$(NGX_CC_OPT) -DNGX_SG_LOCKSTATS=1"

bench-callgrind: deps build
	@t/tools/bench-callgrind $(NGINX_BIN) $(MODULE) $(BUILD) $(SCENARIOS)

bench-quick: deps build
	@BENCH_QUICK=1 t/tools/bench $(NGINX_BIN) $(MODULE) $(BUILD) >/dev/null \
	    || { echo "bench smoke run failed: $(BUILD)/bench/results.json"; exit 1; }
	@echo "bench smoke run: ok"

lint: build
	@SG_OBJS=$(NGX_BUILD)/objs/addon t/tools/lint

# libFuzzer targets of the core (t/fuzz): clang, ASan, UBSan.
# Corpora and crash reproducers are kept in $(FUZZ_BUILD).
FUZZ_SECONDS ?= 30
FUZZ_BUILD   ?= $(BUILD)/fuzz
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev python3

fuzz-deps:
	@missing=; \
	for p in $(FUZZ_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

fuzz-build: deps fuzz-deps
	@$(MAKE) -s -j$(JOBS) -C t/fuzz all BUILD=$(FUZZ_BUILD)

fuzz: fuzz-build
	@$(MAKE) -s -C t/fuzz run BUILD=$(FUZZ_BUILD) \
	    FUZZ_SECONDS=$(FUZZ_SECONDS) $(if $(TARGETS),TARGETS='$(TARGETS)')

fuzz-repro: fuzz-build
	@$(MAKE) -s -C t/fuzz repro BUILD=$(FUZZ_BUILD) T=$(T) \
	    F=$(abspath $(F))

# The module built with ASan and UBSan (its own build directory), loaded
# into Debian's nginx with the sanitizer runtimes preloaded
# (t/tools/asan-nginx); the whole t/ suite and the example configurations.
# Any sanitizer report fails the target, even in a test that passed.
ASAN_BUILD   ?= $(BUILD)/asan
ASAN_CC_OPT  ?= -g -O1 -fno-omit-frame-pointer -fPIC \
                -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_LD_OPT  ?= -fPIC -fsanitize=address,undefined
ASAN_REPORTS := $(ASAN_BUILD)/reports
ASAN_MODULE  := $(ASAN_BUILD)/$(MODULE_NAME).so

test-asan: deps
	@$(MAKE) -s build BUILD=$(ASAN_BUILD) NGX_CC_OPT='$(ASAN_CC_OPT)' \
	    NGX_LD_OPT='$(ASAN_LD_OPT)'
	@rm -rf $(ASAN_REPORTS) && mkdir -p $(ASAN_REPORTS)
	@export SG_SANITIZER_DIR=$(ASAN_REPORTS) SG_NGINX_BIN=$(NGINX_BIN) \
	    TEST_NGINX_BINARY=$(CURDIR)/t/tools/asan-nginx \
	    TEST_NGINX_SG_MODULE=$(ASAN_MODULE); \
	rc=0; \
	t/tools/conf-check $(CURDIR)/t/tools/asan-nginx $(ASAN_MODULE) \
	    conf/*.conf || rc=1; \
	$(PROVE_ENV) prove $(PROVE_INC) -j$(PROVE_JOBS) $(PROVE_FILES) \
	    || rc=1; \
	if [ -n "$$(ls -A $(ASAN_REPORTS))" ]; then \
	    echo "sanitizer reports in $(ASAN_REPORTS):"; \
	    head -40 $(ASAN_REPORTS)/*; rc=1; \
	else \
	    echo "test-asan: no sanitizer report"; \
	fi; \
	exit $$rc

# The t/ suite with nginx under valgrind memcheck (TEST_NGINX_USE_VALGRIND,
# as upstream Test::Nginx): one log per process in $(VG_LOGS), scanned
# afterwards by t/tools/valgrind-scan, which fails on any error or
# definite leak that t/valgrind.supp does not cover.  Slow (see
# docs/testing.md); not part of "make test".  VG_FILES: a subset.
VG_BUILD     ?= $(BUILD)/valgrind
VG_LOGS      := $(VG_BUILD)/logs
VG_FILES     ?= t/*.t
VG_OPTS       = --tool=memcheck --num-callers=40 --error-exitcode=99 \
                --keep-debuginfo=yes \
                --leak-check=full --show-leak-kinds=definite \
                --errors-for-leak-kinds=definite --gen-suppressions=all \
                --suppressions=$(CURDIR)/t/valgrind.supp \
                --log-file=$(VG_LOGS)/vg.%p

test-valgrind: deps build
	@command -v valgrind >/dev/null || { \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends valgrind >/dev/null; }
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS)
	@start=$$(date +%s); rc=0; \
	TEST_NGINX_USE_VALGRIND='$(VG_OPTS)' \
	TEST_NGINX_TIMEOUT=$${TEST_NGINX_TIMEOUT:-30} \
	    prove $(PROVE_INC) -j$(VG_JOBS) $(VG_FILES) || rc=1; \
	echo "test-valgrind: prove took $$(( $$(date +%s) - start )) s"; \
	t/tools/valgrind-scan $(VG_LOGS) || rc=1; \
	exit $$rc

# Debian nginx (2 workers) with the module under wrk load: 20 reloads, a
# restart with state=, kill -9 of a worker; loopback ports 21000-21999 (RL_PORT),
# files in $(BUILD)/reload.  Not part of "make test".
test-reload: deps build
	@t/tools/reload-under-load $(NGINX_BIN) $(MODULE) $(BUILD)

# nginx on DEMO_PORT, the sample application on DEMO_PORT + 1, the OpenID
# provider of the edge's login (t/interop/op-server.mjs) on DEMO_PORT + 2;
# everything runs from DEMO_DIR.
demo: deps build
	@t/tools/demo start $(NGINX_BIN) $(MODULE) $(DEMO_DIR) $(DEMO_PORT)

demo-stop:
	@t/tools/demo stop $(NGINX_BIN) $(MODULE) $(DEMO_DIR) $(DEMO_PORT)

clean:
	rm -rf $(BUILD) t/servroot t/unit/build
