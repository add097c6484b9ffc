# Build, run and test the seminar system. `make run` and `make test` are all a newcomer needs.
CC ?= cc
PKGS = libxml-2.0 libsodium jansson libmariadb xlsxwriter libqrencode cairo libpng librsvg-2.0 libzip libcurl libqpdf
# Recursive (=) on purpose: pkg-config runs when a recipe runs, after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
WARN = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings
CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) $(PKG_CFLAGS) -MMD -MP
LDLIBS = $(PKG_LIBS) -lfcgi
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -O1 -Wno-format-truncation
LDFLAGS += -fsanitize=address,undefined
endif

PROGRAMS = portal checkin certs reports
CORE_OBJ = $(patsubst %.c,build/%.o,$(wildcard fcgi/core/*.c))
UNIT_TESTS = $(patsubst tests/unit/%.c,build/tests/unit/%,$(wildcard tests/unit/test_*.c))
# A program's own modules (all but its main.c), linked into the unit tests of its pure rules.
PROGRAM_LIBS = $(foreach p,$(PROGRAMS),build/lib$(p).a)
BASELINES = hello select update
PORT ?= 8080

.PHONY: all deps run stop test cluster bench lint fuzz clean coverage-recompute coverage-check retention
all: $(addprefix bin/,$(PROGRAMS)) assets/vendor/jsQR.js assets/vendor/petrovich.js

deps:
	@scripts/deps.sh

build/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/libcore.a: $(CORE_OBJ)
	ar rcs $@ $^

define program
bin/$(1): $(patsubst %.c,build/%.o,$(wildcard fcgi/$(1)/*.c)) build/libcore.a
	@mkdir -p bin
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)

build/lib$(1).a: $(patsubst %.c,build/%.o,$(filter-out fcgi/$(1)/main.c,$(wildcard fcgi/$(1)/*.c)))
	ar rcs $$@ $$^
endef
$(foreach p,$(PROGRAMS),$(eval $(call program,$(p))))

build/tests/unit/%: tests/unit/%.c $(PROGRAM_LIBS) build/libcore.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -iquote fcgi/core -iquote fcgi $(LDFLAGS) -o $@ $< $(PROGRAM_LIBS) build/libcore.a $(LDLIBS) -lcmocka

# Every statement of the dbq tables, macros expanded, for the walk of tests/unit/test_authcache.c.
build/tests/unit/dbq.i: $(shell grep -l 'struct dbq' fcgi/*/*.c) | deps
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -E -P $^ > $@
build/tests/unit/test_authcache: build/tests/unit/dbq.i

build/tests/load/%: tests/load/%.c build/libcore.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -iquote fcgi/core $(LDFLAGS) -o $@ $< build/libcore.a $(LDLIBS)

run: all
	@PORT=$(PORT) DEMO=1 SUPERVISE=1 scripts/stack.sh start
	@scripts/demo.sh
	@echo
	@echo "Open http://127.0.0.1:$(PORT)/  Demo accounts (password demo12345):"
	@echo "  participant@demo.local  organizer@demo.local  reviewer@demo.local  admin@demo.local"
	@echo "Mail sent by the demo lands in var/mail/new/ (README.md, «Mail»)."
	@echo "What to try first: README.md, «Start here»."

stop:
	@scripts/stack.sh stop
	@VAR=var/test scripts/stack.sh stop
	@VAR=var/test-demo scripts/stack.sh stop
	@VAR=var/bench scripts/stack.sh stop
	@VAR=var/bench-national scripts/stack.sh stop
	@scripts/cluster.sh stop

node_modules/.package-lock.json: package.json package-lock.json | deps
	npm ci --no-audit --no-fund --loglevel=error

# Third-party browser code comes from npm at build time and is never committed (assets/vendor/ is ignored).
assets/vendor/jsQR.js: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/jsqr/dist/jsQR.js $@

# axe-core for the accessibility audit (tests/browser/a11y.mjs), served like the page's own scripts so Chromium
# compiles it once for all pages; only the tests need it.
assets/vendor/axe.min.js: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/axe-core/axe.min.js $@

assets/vendor/petrovich.js: node_modules/.package-lock.json
	@mkdir -p assets/vendor
	cp node_modules/petrovich/dist/petrovich.js $@

test: all $(UNIT_TESTS) node_modules/.package-lock.json assets/vendor/axe.min.js
	@tests/run.sh

# Scale-out on this machine: primary and replica, two app servers and nginx under var/cluster, and tests/cluster.
cluster: all
	@tests/cluster/run.sh

# ONLY=spread,rush: only those scenarios (and the baselines), see BENCH_ONLY in tests/load/bench.sh.
bench: all $(addprefix build/tests/load/,$(BASELINES))
	@$(if $(ONLY),BENCH_ONLY=$(ONLY) )tests/load/bench.sh

# The coverage summary tables of a running stack (var/, or VAR=...): rebuild them, or compare them with the raw data.
coverage-recompute:
	@scripts/coverage.sh recompute

coverage-check:
	@scripts/coverage.sh check

# The daily retention run now, on the running stack (var/, or VAR=...); it prints what it removed.
retention: bin/portal
	@bin/portal -c $${VAR:-var}/app.conf retention

lint: deps
	@scripts/lint.sh

fuzz: | deps
	@tests/fuzz/run.sh

clean:
	rm -rf build bin assets/vendor

-include $(shell find build -name '*.d' 2>/dev/null)
