// SigV4 against AWS's published vectors. Every expected value below is
// copied from them, none was produced by this code:
// - the SigV4 test suite (credentials AKIDEXAMPLE, region us-east-1, service
//   "service", 20150830T123600Z), as AWS ships it with its SDKs
//   (aws-sdk-js-v3 packages/signature-v4/src/suite.fixture.ts,
//   awslabs/aws-c-auth tests/aws-signing-test-suite/v4/<case>/);
// - the examples of the S3 API reference, "Signature Calculations for the
//   Authorization Header: Transferring Payload in a Single Chunk"
//   (examplebucket, AKIAIOSFODNN7EXAMPLE, 20130524T000000Z).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/s3/crypto.hpp"
#include "adapters/s3/sigv4.hpp"

namespace imagebank::s3 {
namespace {

constexpr const char* kEmpty =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SuiteCase {
  const char* name;
  const char* method;
  std::string path;                // raw, as in the request line
  std::vector<NameValue> query;    // raw
  std::vector<NameValue> headers;  // besides Host and X-Amz-Date
  std::string body;
  std::string canonical_request;
  std::string string_to_sign_hash;  // last line of the string to sign
  std::string authorization;
  std::string session_token;  // sent as X-Amz-Security-Token
};

std::string suite_authz(const char* signed_headers, const char* signature) {
  return std::string(
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
             "service/aws4_request, SignedHeaders=") +
         signed_headers + ", Signature=" + signature;
}

std::string suite_creq(const char* method, const char* uri, const char* query,
                       const char* extra_headers_before_host,
                       const char* extra_headers_after_date,
                       const char* signed_headers, const char* payload) {
  return std::string(method) + "\n" + uri + "\n" + query + "\n" +
         extra_headers_before_host +
         "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n" +
         extra_headers_after_date + "\n" + signed_headers + "\n" + payload;
}

std::vector<SuiteCase> suite_cases() {
  std::vector<SuiteCase> cases;
  cases.push_back(
      {"get-vanilla",
       "GET",
       "/",
       {},
       {},
       "",
       suite_creq("GET", "/", "", "", "", "host;x-amz-date", kEmpty),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       suite_authz("host;x-amz-date",
                   "5fa00fa31553b73ebf1942676e86291e8372ff2a"
                   "2260956d9b8aae1d763fbf31"),
       ""});
  cases.push_back(
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       {{"Param2", "value2"}, {"Param1", "value1"}},
       {},
       "",
       suite_creq("GET", "/", "Param1=value1&Param2=value2", "", "",
                  "host;x-amz-date", kEmpty),
       "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
       suite_authz("host;x-amz-date",
                   "b97d918cfa904a5beff61c982a1b6f458b7992"
                   "21646efd99d3219ec94cdf2500"),
       ""});
  cases.push_back(
      {"get-vanilla-query-order-value",
       "GET",
       "/",
       {{"Param1", "value2"}, {"Param1", "value1"}},
       {},
       "",
       suite_creq("GET", "/", "Param1=value1&Param1=value2", "", "",
                  "host;x-amz-date", kEmpty),
       "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606",
       suite_authz("host;x-amz-date",
                   "5772eed61e12b33fae39ee5e7012498b51d56a"
                   "bc0abb7c60486157bd471c4694"),
       ""});
  cases.push_back(
      {"get-vanilla-query-unreserved",
       "GET",
       "/",
       {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
       {},
       "",
       suite_creq("GET", "/",
                  "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
                  "rstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg"
                  "hijklmnopqrstuvwxyz",
                  "", "", "host;x-amz-date", kEmpty),
       "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
       suite_authz("host;x-amz-date",
                   "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7"
                   "cc0884027167c21bb143a40197"),
       ""});
  cases.push_back(
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       {{"\xE1\x88\xB4", "bar"}},
       {},
       "",
       suite_creq("GET", "/", "%E1%88%B4=bar", "", "", "host;x-amz-date",
                  kEmpty),
       "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
       suite_authz("host;x-amz-date",
                   "2cdec8eed098649ff3a119c94853b13c643bcf"
                   "08f8b0a1d91e12c9027818dd04"),
       ""});
  cases.push_back(
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       {},
       {},
       "",
       suite_creq("GET", "/%E1%88%B4", "", "", "", "host;x-amz-date", kEmpty),
       "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
       suite_authz("host;x-amz-date",
                   "8318018e0b0f223aa2bbf98705b62bb787dc9c"
                   "0e678f255a891fd03141be5d85"),
       ""});
  cases.push_back(
      {"get-space (unnormalized)",
       "GET",
       "/example space/",
       {},
       {},
       "",
       suite_creq("GET", "/example%20space/", "", "", "", "host;x-amz-date",
                  kEmpty),
       "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
       suite_authz("host;x-amz-date",
                   "652487583200325589f1fba4c7e578f72c47cb"
                   "61beeca81406b39ddec1366741"),
       ""});
  cases.push_back(
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       {},
       "",
       suite_creq("GET",
                  "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
                  "rstuvwxyz",
                  "", "", "", "host;x-amz-date", kEmpty),
       "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
       suite_authz("host;x-amz-date",
                   "07ef7494c76fa4850883e2b006601f940f8a34"
                   "d404d0cfa977f52a65bbf5f24f"),
       ""});
  cases.push_back(
      {"get-header-value-trim",
       "GET",
       "/",
       {},
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\n"
       "my-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\n"
       "host;my-header1;my-header2;x-amz-date\n" +
           std::string(kEmpty),
       "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
       suite_authz("host;my-header1;my-header2;x-amz-date",
                   "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee35975"
                   "7a9c736"),
       ""});
  cases.push_back(
      {"get-header-key-duplicate",
       "GET",
       "/",
       {},
       {{"My-Header1", "value2"},
        {"My-Header1", "value2"},
        {"My-Header1", "value1"}},
       "",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1"
       "\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" +
           std::string(kEmpty),
       "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
       suite_authz("host;my-header1;x-amz-date",
                   "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531"
                   "a5138ea"),
       ""});
  cases.push_back(
      {"post-vanilla",
       "POST",
       "/",
       {},
       {},
       "",
       suite_creq("POST", "/", "", "", "", "host;x-amz-date", kEmpty),
       "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
       suite_authz("host;x-amz-date",
                   "5da7c1a2acd57cee7505fc6676e4e544621c30"
                   "862966e37dddb68e92efbe5d6b"),
       ""});
  cases.push_back(
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {},
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Param1=value1",
       suite_creq("POST", "/", "",
                  "content-type:application/x-www-form-urlencoded\n", "",
                  "content-type;host;x-amz-date",
                  "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b2"
                  "4d0b6e"),
       "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
       suite_authz("content-type;host;x-amz-date",
                   "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0f"
                   "e09473a"),
       ""});
  const std::string token =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsK"
      "WHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeeh"
      "M4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6"
      "q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDr"
      "ypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  cases.push_back(
      {"post-sts-header-before",
       "POST",
       "/",
       {},
       {},
       "",
       suite_creq("POST", "/", "", "",
                  ("x-amz-security-token:" + token + "\n").c_str(),
                  "host;x-amz-date;x-amz-security-token", kEmpty),
       "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
       suite_authz("host;x-amz-date;x-amz-security-token",
                   "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82"
                   "be05ead"),
       token});
  return cases;
}

TEST(SigV4TestSuite, EveryStageMatchesThePublishedVectors) {
  for (const SuiteCase& c : suite_cases()) {
    SCOPED_TRACE(c.name);
    SigningInput input;
    input.method = c.method;
    input.canonical_uri = uri_encode(c.path, true);
    input.query = c.query;
    input.headers = {{"Host", "example.amazonaws.com"}};
    for (const auto& h : c.headers) input.headers.push_back(h);
    input.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
    if (!c.session_token.empty()) {
      input.headers.emplace_back("X-Amz-Security-Token", c.session_token);
    }
    input.payload_hash = sha256_hex(c.body);
    const SigningScope scope{"AKIDEXAMPLE",
                             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                             "us-east-1", "service", "20150830T123600Z"};
    const Signature sig = sign_v4(input, scope);
    EXPECT_EQ(sig.canonical_request, c.canonical_request);
    EXPECT_EQ(sig.string_to_sign,
              "AWS4-HMAC-SHA256\n20150830T123600Z\n"
              "20150830/us-east-1/service/aws4_request\n" +
                  c.string_to_sign_hash);
    EXPECT_EQ(sig.authorization, c.authorization);
  }
}

// --- S3 API reference examples --------------------------------------------

SigningScope s3_doc_scope() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          "us-east-1", "s3", "20130524T000000Z"};
}

std::string s3_doc_sts(const char* hash) {
  return std::string(
             "AWS4-HMAC-SHA256\n20130524T000000Z\n"
             "20130524/us-east-1/s3/aws4_request\n") +
         hash;
}

TEST(SigV4S3Examples, GetObjectWithRange) {
  SigningInput input;
  input.method = "GET";
  input.canonical_uri = uri_encode("/test.txt", true);
  input.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Range", "bytes=0-9"},
                   {"x-amz-content-sha256", kEmpty},
                   {"x-amz-date", "20130524T000000Z"}};
  input.payload_hash = kEmpty;
  const Signature sig = sign_v4(input, s3_doc_scope());
  EXPECT_EQ(sig.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n"
            "range:bytes=0-9\nx-amz-content-sha256:" +
                std::string(kEmpty) +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;range;x-amz-content-sha256;x-amz-date\n" +
                kEmpty);
  EXPECT_EQ(sig.string_to_sign,
            s3_doc_sts("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc4"
                       "3964946972"));
  EXPECT_EQ(sig.signature,
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/"
            "us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039"
            "c6036bdb41");
}

TEST(SigV4S3Examples, PutObject) {
  const std::string payload = "Welcome to Amazon S3.";
  const std::string payload_hash =
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  EXPECT_EQ(sha256_hex(payload), payload_hash);
  SigningInput input;
  input.method = "PUT";
  input.canonical_uri = uri_encode("/test$file.text", true);
  input.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                   {"x-amz-date", "20130524T000000Z"},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                   {"x-amz-content-sha256", payload_hash}};
  input.payload_hash = payload_hash;
  const Signature sig = sign_v4(input, s3_doc_scope());
  EXPECT_EQ(sig.canonical_request,
            "PUT\n/test%24file.text\n\n"
            "date:Fri, 24 May 2013 00:00:00 GMT\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:" +
                payload_hash +
                "\nx-amz-date:20130524T000000Z\n"
                "x-amz-storage-class:REDUCED_REDUNDANCY\n\n"
                "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-"
                "class\n" +
                payload_hash);
  EXPECT_EQ(sig.string_to_sign,
            s3_doc_sts("9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4"
                       "158342019d"));
  EXPECT_EQ(sig.signature,
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3Examples, GetBucketLifecycle) {
  SigningInput input;
  input.method = "GET";
  input.canonical_uri = "/";
  input.query = {{"lifecycle", ""}};
  input.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"x-amz-date", "20130524T000000Z"},
                   {"x-amz-content-sha256", kEmpty}};
  input.payload_hash = kEmpty;
  const Signature sig = sign_v4(input, s3_doc_scope());
  EXPECT_EQ(sig.canonical_request,
            "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:" +
                std::string(kEmpty) +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;x-amz-content-sha256;x-amz-date\n" +
                kEmpty);
  EXPECT_EQ(sig.string_to_sign,
            s3_doc_sts("9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf"
                       "79c77395ca"));
  EXPECT_EQ(sig.signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3Examples, ListObjects) {
  SigningInput input;
  input.method = "GET";
  input.canonical_uri = "/";
  // Given out of order: canonicalisation sorts them.
  input.query = {{"prefix", "J"}, {"max-keys", "2"}};
  input.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"x-amz-date", "20130524T000000Z"},
                   {"x-amz-content-sha256", kEmpty}};
  input.payload_hash = kEmpty;
  const Signature sig = sign_v4(input, s3_doc_scope());
  EXPECT_EQ(sig.canonical_request,
            "GET\n/\nmax-keys=2&prefix=J\nhost:examplebucket.s3.amazonaws.com"
            "\nx-amz-content-sha256:" +
                std::string(kEmpty) +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;x-amz-content-sha256;x-amz-date\n" +
                kEmpty);
  EXPECT_EQ(sig.string_to_sign,
            s3_doc_sts("df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f"
                       "1e7df1b9b7"));
  EXPECT_EQ(sig.signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// --- pieces
// -------------------------------------------------------------------

TEST(SigV4Pieces, UriEncodingKeepsOnlyUnreservedAndMaybeSlash) {
  EXPECT_EQ(uri_encode("a/b c+d=e&f~g_h-i.j", true),
            "a/b%20c%2Bd%3De%26f~g_h-i.j");
  EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(uri_encode("\xFF", false), "%FF");
}

TEST(SigV4Pieces, AmzDateIsUtc) {
  // 2015-08-30T12:36:00Z, the instant of the test suite.
  EXPECT_EQ(amz_date_from_unix(1440938160), "20150830T123600Z");
  EXPECT_EQ(amz_date_from_unix(0), "19700101T000000Z");
  // 2024-02-29T23:59:59Z: a leap day.
  EXPECT_EQ(amz_date_from_unix(1709251199), "20240229T235959Z");
}

}  // namespace
}  // namespace imagebank::s3
