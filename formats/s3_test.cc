// The S3 driver's pure parts: the location and environment it is configured from, the XML it
// reads back, and the percent-encoding its signatures depend on. (tests/s3 runs the driver
// against a SigV4-verifying S3 service.)
#include <cstdlib>
#include <string>

#include "formats/s3_client.h"
#include "formats/s3_xml.h"
#include "formats/storage.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;

class S3ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION",
                             "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "PGARK_S3_PART_BYTES"}) {
      ::unsetenv(name);
    }
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
  }
};

TEST_F(S3ConfigTest, ReadsLocationAndConventionalVariables) {
  ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000/", 1);
  ::setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
  absl::StatusOr<S3Config> c = S3ConfigFromEnvironment("s3://my-bucket/nightly/db1/");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->bucket, "my-bucket");
  EXPECT_EQ(c->prefix, "nightly/db1/");
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(c->region, "eu-west-1");
  ::setenv("AWS_ENDPOINT_URL_S3", "https://s3.example.net", 1);  // the S3-specific one wins
  ::setenv("AWS_REGION", "us-west-2", 1);
  c = S3ConfigFromEnvironment("s3://my-bucket");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->prefix, "");
  EXPECT_EQ(c->endpoint, "https://s3.example.net");
  EXPECT_EQ(c->region, "us-west-2");
}

TEST_F(S3ConfigTest, RefusesWhatCannotBeAddressedSafely) {
  for (const char* location :
       {"s3://", "s3://ab", "s3://My_Bucket/x", "s3://bucket/../etc", "s3://bucket/a//b",
        "s3://bucket/a/./b", "s3://bucket//a", "s3://bucket/a b", "s3://bucket/%2e%2e", "s3://-bucket/x"}) {
    EXPECT_THAT(S3ConfigFromEnvironment(location), StatusIs(absl::StatusCode::kInvalidArgument))
        << location;
  }
  for (const char* endpoint : {"ftp://host", "http://user:pw@host", "http://host/path",
                               "http://host?x=1", "host:9000"}) {
    ::setenv("AWS_ENDPOINT_URL", endpoint, 1);
    EXPECT_THAT(S3ConfigFromEnvironment("s3://bucket"),
                StatusIs(absl::StatusCode::kInvalidArgument)) << endpoint;
  }
  ::unsetenv("AWS_ENDPOINT_URL");
  ::setenv("PGARK_S3_PART_BYTES", "1024", 1);  // below S3's 5 MiB
  EXPECT_THAT(S3ConfigFromEnvironment("s3://bucket"), StatusIs(absl::StatusCode::kInvalidArgument));
  ::unsetenv("PGARK_S3_PART_BYTES");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  absl::StatusOr<S3Config> no_secret = S3ConfigFromEnvironment("s3://bucket");
  EXPECT_THAT(no_secret, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(no_secret.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(S3ConfigTest, OpenStorageChoosesTheDriverByScheme) {
  absl::StatusOr<std::shared_ptr<Storage>> s3 = OpenStorage("s3://bucket/pre");
  ASSERT_THAT(s3, IsOk());
  EXPECT_FALSE((*s3)->local());
  EXPECT_EQ((*s3)->location(), "s3://bucket/pre");
  EXPECT_EQ((*s3)->Locate("a.sql.gz"), "s3://bucket/pre/a.sql.gz");
  absl::StatusOr<std::shared_ptr<Storage>> dir = OpenStorage("/var/backups");
  ASSERT_THAT(dir, IsOk());
  EXPECT_TRUE((*dir)->local());
  EXPECT_EQ((*dir)->Locate("a.sql.gz"), "/var/backups/a.sql.gz");
}

TEST(S3XmlTest, ParsesListingPages) {
  absl::StatusOr<S3ListPage> page = ParseListPage(
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>tok+/=</NextContinuationToken>"
      "<Contents><Key>p/a&amp;b.sql.gz</Key><LastModified>2026-12-07T10:00:00.000Z</LastModified>"
      "<Size>1234</Size></Contents><Contents><Key>p/c</Key><Size>5</Size></Contents>"
      "<CommonPrefixes><Prefix>p/audit.log.d/</Prefix></CommonPrefixes></ListBucketResult>");
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "p/a&b.sql.gz");
  EXPECT_EQ(page->objects[0].size, 1234u);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d", page->objects[0].modified, absl::UTCTimeZone()),
            "2026-12-07");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->continuation_token, "tok+/=");
}

TEST(S3XmlTest, RefusesWhatIsNotAListing) {
  for (const char* xml :
       {"", "<Error><Code>AccessDenied</Code></Error>", "<ListBucketResult><Contents><Key>x",
        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
        // Entity expansion (a "billion laughs"): expat refuses it, nothing is expanded.
        "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
        "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
        "<ListBucketResult><Contents><Key>&h;</Key></Contents></ListBucketResult>"}) {
    absl::StatusOr<S3ListPage> page = ParseListPage(xml);
    if (page.ok()) {
      for (const S3ListedObject& o : page->objects) EXPECT_LE(o.key.size(), 4096u);
    } else {
      EXPECT_THAT(page, StatusIs(absl::StatusCode::kInternal));
    }
  }
  EXPECT_EQ(XmlElementText("<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>", "Code"),
            "NoSuchBucket");
  EXPECT_EQ(XmlElementText("<Error><Code>NoSuch", "Code"), "");
  EXPECT_EQ(XmlEscape("\"a\"<&>"), "&quot;a&quot;&lt;&amp;&gt;");
}

TEST(S3EncodingTest, EncodesAsSigV4Wants) {
  EXPECT_EQ(UriEncode("a b/c~d_e-f.g", false), "a%20b%2Fc~d_e-f.g");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("=&+*", false), "%3D%26%2B%2A");
}

}  // namespace
}  // namespace pgark::formats
