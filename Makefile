# The two commands of the README:
#   make demo   build everything and run the demo
#   make test   install what the tests need, then run every test
.PHONY: all build-deps build demo test test-deps test-rust test-vectors test-c test-header test-php test-dotnet test-python bench clean

CARGO ?= cargo
LIB := target/release/libwxpay.so
CFLAGS_TEST := -std=c11 -Wall -Wextra -Werror -Iinclude
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1

all: build

build-deps:
	scripts/install-deps.sh

build: build-deps
	$(CARGO) build --release --all-targets

demo: build
	$(CARGO) run --release --quiet --example demo

test: test-deps build test-header test-rust test-vectors test-c test-php test-dotnet test-python

test-deps:
	scripts/install-deps.sh --test

test-header: build
	scripts/check-header.sh

test-rust:
	$(CARGO) test --release

test-vectors:
	python3 tests/vectors/gen_signatures.py
	git diff --exit-code tests/vectors/signatures.json
	python3 tests/vectors/gen_pay_params.py
	sh tests/vectors/gen_req_info.sh
	git diff --exit-code tests/vectors/pay_params.json tests/vectors/req_info.txt

target/test_wxpay_c: tests/c/test_wxpay.c include/wxpay.h $(LIB)
	gcc $(CFLAGS_TEST) $< -Ltarget/release -lwxpay -Wl,-rpath,$(CURDIR)/target/release -o $@

test-c: build target/test_wxpay_c
	$(VALGRIND) ./target/test_wxpay_c

test-php: build
	bindings/php/test.sh

test-dotnet: build
	bindings/dotnet/test.sh

test-python: build
	WXPAY_PY_REQUIRE_SPEEDUPS=1 bindings/python/test.sh

bench:
	$(CARGO) bench --bench sign
	$(CARGO) bench --bench requests

clean:
	$(CARGO) clean
