# The case store (issue 18): sdk/store keeps cases in SQLite or PostgreSQL with no lost update. Its tests run
# against SQLite always (`make unit` too) and against PostgreSQL here: sdk/store/testdata/with-postgres.sh
# installs Debian's postgresql when it is missing (as root), starts a throwaway cluster on a unix socket, sets
# SENDFLOW_PG_URL and always stops the cluster. Only where PostgreSQL cannot be installed does it skip them,
# saying so.
.PHONY: store-test
TEST_TARGETS += store-test

## store-test: the store's tests (concurrent writers, conflicts, worklist, iCalendar) on SQLite and PostgreSQL.
store-test:
	sdk/store/testdata/with-postgres.sh $(GO) test -count=1 -race ./sdk/store/...
