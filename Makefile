# Orrery — the two commands: `make demo` (set up and run the flagship study) and `make test`.
.PHONY: setup demo test docs bench clean

setup:
	@bash scripts/setup

demo: setup
	swift build -c release --product orrery
	.build/release/orrery run Workflows/politics-best-worst.yaml

# Release mode: the suite runs real studies (t-SNE, all-points kNN) that debug builds make slow.
test: setup
	swift test -c release

docs:
	bash scripts/update-readme-plugins

bench: setup
	bash bench/run

clean:
	rm -rf .build out .orrery
