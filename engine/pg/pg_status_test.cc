#include "engine/pg/pg_status.h"

#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

TEST(CodeForSqlStateTest, MapsClassesToCanonicalCodes) {
  EXPECT_EQ(CodeForSqlState("08006"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("28P01"), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CodeForSqlState("42501"), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForSqlState("42P01"), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeForSqlState("3D000"), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeForSqlState("23505"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqlState("42P07"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqlState("23503"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("57014"), absl::StatusCode::kCancelled);
  EXPECT_EQ(CodeForSqlState("22P02"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("53100"), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(CodeForSqlState("XX000"), absl::StatusCode::kInternal);
  EXPECT_EQ(CodeForSqlState("bad"), absl::StatusCode::kInternal);
}

TEST(SqlStateOfTest, ReadsThePayload) {
  absl::Status s = absl::NotFoundError("x");
  EXPECT_FALSE(SqlStateOf(s).has_value());
  s.SetPayload(kSqlStatePayloadUrl, absl::Cord("42P01"));
  EXPECT_EQ(SqlStateOf(s), "42P01");
}

}  // namespace
}  // namespace pgark::engine
