# Orrery — the two commands: `make demo` (set up and run the flagship study) and `make test`.
.PHONY: setup demo test docs bench clean hardening

setup:
	@bash scripts/setup

demo: setup
	swift build -c release --product orrery
	.build/release/orrery run Workflows/politics-best-worst.yaml

# Release mode: the suite runs real studies (t-SNE, all-points kNN) that debug builds make slow.
test: setup
	swift test -c release --explicit-target-dependency-import-check error

# The hostile-input catalogue, short fuzzing runs, and the engine/core tests under ASan and TSan.
# Not part of `make test` (it rebuilds everything three times); run it before a release.
HARDENING_TESTS = HostileInputTests|StepCacheTests|CacheRunTests|EngineCLITests|WorkflowValidatorTests|AtomicFileTests
hardening: setup
	swift build --build-tests
	swift test --skip-build --filter 'HostileInputTests'
	bash fuzz/run 30
	swift test --sanitize=address --build-path .build-asan --filter '$(HARDENING_TESTS)'
	swift test --sanitize=thread --build-path .build-tsan --filter '$(HARDENING_TESTS)'

docs:
	bash scripts/update-readme-plugins

bench: setup
	bash bench/run

clean:
	rm -rf .build .build-asan .build-tsan fuzz/.build fuzz-out out .orrery
