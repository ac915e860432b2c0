# The two commands of the README:
#   make demo   build everything and run the demo
#   make test   install what the tests need, then run every test
.PHONY: all build-deps build demo install dist test test-dist test-deps test-rust test-vectors test-c test-install test-header test-php test-dotnet test-python bench clean

CARGO ?= cargo
LIB := target/release/libwxpay.so
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
PREFIX ?= /usr/local
DESTDIR ?=
CFLAGS_TEST := -std=c11 -Wall -Wextra -Werror -Iinclude
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1

all: build

build-deps:
	scripts/install-deps.sh

build: build-deps
	$(CARGO) build --release --all-targets --features sim

demo: build
	$(CARGO) run --release --quiet --features sim --example demo

test: test-deps build test-header test-rust test-vectors test-c test-install test-php test-dotnet test-python test-dist

# The C package: header, the library with its SONAME links (debug info kept
# apart in target/release/libwxpay.so.debug), pkg-config file, the simulator
# and the certificate tool. `make install PREFIX=/opt/wxpay DESTDIR=...`.
install: build
	objcopy --only-keep-debug $(LIB) $(LIB).debug
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/wxpay.h $(DESTDIR)$(PREFIX)/include/wxpay.h
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libwxpay.so.$(VERSION)
	strip --strip-debug $(DESTDIR)$(PREFIX)/lib/libwxpay.so.$(VERSION)
	ln -sf libwxpay.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libwxpay.so.$(MAJOR)
	ln -sf libwxpay.so.$(MAJOR) $(DESTDIR)$(PREFIX)/lib/libwxpay.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' wxpay.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/wxpay.pc
	install -m 755 -s target/release/wxpay-sim target/release/wxpay-cert $(DESTDIR)$(PREFIX)/bin/

# Every artifact a user installs, into dist/ (scripts/dist.sh says what).
dist:
	scripts/install-deps.sh --dist
	scripts/dist.sh

test-deps:
	scripts/install-deps.sh --test

test-header: build
	scripts/check-header.sh

test-rust:
	$(CARGO) test --release --features sim

test-vectors:
	python3 tests/vectors/gen_signatures.py
	git diff --exit-code tests/vectors/signatures.json
	python3 tests/vectors/gen_pay_params.py
	sh tests/vectors/gen_req_info.sh
	git diff --exit-code tests/vectors/pay_params.json tests/vectors/req_info.txt

# The library's SONAME is libwxpay.so.$(MAJOR): the link lets programs linked
# here find it in target/release as an installed program finds it in lib/.
target/test_wxpay_c: tests/c/test_wxpay.c include/wxpay.h $(LIB)
	ln -sf libwxpay.so target/release/libwxpay.so.$(MAJOR)
	gcc $(CFLAGS_TEST) $< -Ltarget/release -lwxpay -Wl,-rpath,$(CURDIR)/target/release -o $@

test-c: build target/test_wxpay_c
	WXPAY_SIM=$(CURDIR)/target/release/wxpay-sim $(VALGRIND) ./target/test_wxpay_c

test-install: build
	scripts/test-install.sh

# Installs each artifact of dist/ as its users do and runs a smoke per language.
test-dist: dist
	scripts/test-dist.sh

test-php: build
	bindings/php/test.sh

test-dotnet: build
	bindings/dotnet/test.sh

test-python: build
	bindings/python/test.sh

bench:
	$(CARGO) bench --bench sign
	$(CARGO) bench --bench notify_cost
	$(CARGO) bench --features sim --bench requests

clean:
	$(CARGO) clean
