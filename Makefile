# Orrery — the two commands: `make demo` (set up and run the flagship study) and `make test`.
.PHONY: setup demo test example docs bench clean hardening

setup:
	@bash scripts/setup

demo: setup
	swift build -c release --product orrery
	.build/release/orrery run Workflows/politics-best-worst.yaml

# Release mode: the suite runs real studies (t-SNE, all-points kNN) that debug builds make slow.
test: setup
	swift test -c release --explicit-target-dependency-import-check error
	$(MAKE) example

# The plugin package outside the tree (Examples/RandomProjection): its own tests (which run the
# conformance checks on its reducer), and its own command line (orrery-random-projection), which lists the built-ins plus its reducer.
example:
	cd Examples/RandomProjection && swift test
	cd Examples/RandomProjection && swift run orrery-random-projection plugins | grep -q 'reducer.random-projection'
	cd Examples/RandomProjection && swift run orrery-random-projection plugins | grep -q 'reducer.tsne'
	# `orrery plugin new --swift`: the package it writes builds, passes its tests (the conformance
	# checks and its example included) and its own command line checks it.
	# (Written by the example's command line, already built here: `swift run -c release orrery`
	# after `swift test -c release` would rebuild every module without testability.)
	rm -rf .build/scaffold
	cd Examples/RandomProjection && swift run orrery-random-projection plugin new reducer.my-method \
	  --swift $(CURDIR)/.build/scaffold/my-method --orrery $(CURDIR)
	cd .build/scaffold/my-method && swift test
	cd .build/scaffold/my-method && swift run orrery-my-method plugin check reducer.my-method --example-directory Tests/MyMethodTests
	@echo "example package: built, tested, and its orrery-random-projection lists reducer.random-projection with the built-ins; the scaffolded Swift plugin passes its checks"

# The hostile-input catalogue, the fuzzers (each until its coverage stops growing, in 60 s windows),
# and the whole test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, in
# builds of their own. Not part of `make test`: it takes about an hour on two cores.
hardening: setup
	swift test -c release --filter HostileInputTests
	bash fuzz/run 60
	# Release builds (optimised code, as with clang -O2 -fsanitize): a debug build runs the t-SNE
	# and all-points kNN tests 30 times slower, and TSan would take hours on top of that.
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/.lsan-suppressions \
	  swift test -c release --sanitize=address --build-path .build-asan
	TSAN_OPTIONS=halt_on_error=1 swift test -c release --sanitize=thread --build-path .build-tsan

docs:
	bash scripts/update-readme-plugins

bench: setup
	bash bench/run

clean:
	rm -rf .build .build-asan .build-tsan fuzz/.build fuzz-out out .orrery
