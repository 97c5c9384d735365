// main() for the integration test binaries: registers the PostgreSQL cluster environment.
#include "gtest/gtest.h"
#include "tests/pg_test_cluster.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new pgark::testing::PgTestCluster);
  return RUN_ALL_TESTS();
}
