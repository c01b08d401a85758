# Ules: `make run` serves the dashboard with demo data; `make test` runs everything CI runs.
SQLC_VERSION := v1.31.1
TOOLS := $(CURDIR)/.tools/bin
SQLC := $(TOOLS)/sqlc-$(SQLC_VERSION)
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)

.PHONY: run build test vet generate verify fuzz clean

run: build
	./scripts/run.sh

build:
	go build -o bin/ules ./cmd/ules

test: vet verify
	./scripts/test.sh -count=1 ./...

vet: $(STATICCHECK)
	@unformatted=$$(gofmt -l cmd db internal web); if [ -n "$$unformatted" ]; then echo "not gofmt-ed: $$unformatted"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...

$(STATICCHECK):
	mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS)/staticcheck $(STATICCHECK)

# The sqlc binary is built once into .tools/ (about 3 minutes with cgo) and reused.
$(SQLC):
	mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)
	mv $(TOOLS)/sqlc $(SQLC)

generate: $(SQLC)
	$(SQLC) generate -f db/sqlc.yaml

# verify fails when the committed sqlc output no longer matches the queries and migrations.
verify: $(SQLC)
	$(SQLC) diff -f db/sqlc.yaml

# A new input worth keeping is minimized first, for up to a minute by default: on FuzzOCDS's corpus of real
# files that took whole 30 s runs, so minimizing is held to 5 s.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(go list ./...); do \
		for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf bin
