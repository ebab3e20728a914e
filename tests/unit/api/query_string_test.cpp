// Query parameters as the admin API reads them (?role=&limit=&after=&format=).
#include "api/query_string.hpp"

#include <gtest/gtest.h>

namespace onstage::api {
namespace {

TEST(QueryString, FindsDecodedParameters) {
    EXPECT_EQ(query_param("/p?a=1&b=x%20y+z", "b"), "x y z");
    EXPECT_EQ(query_param("/p?a=1&b=2", "a"), "1");
    EXPECT_EQ(query_param("/p?flag&b=2", "flag"), "");
    EXPECT_EQ(query_param("/p?ab=1", "a"), std::nullopt) << "names match whole";
    EXPECT_EQ(query_param("/p", "a"), std::nullopt);
    EXPECT_EQ(query_param("/p?a=%4", "a"), std::nullopt) << "broken escapes are refused";
    EXPECT_EQ(query_param("/p?a=%zz", "a"), std::nullopt);
}

TEST(QueryString, ReadsBoundedIntegers) {
    EXPECT_EQ(query_int("/p", "limit", 100, 1, 1000), 100) << "absent: the default";
    EXPECT_EQ(query_int("/p?limit=5", "limit", 100, 1, 1000), 5);
    EXPECT_EQ(query_int("/p?limit=0", "limit", 100, 1, 1000), std::nullopt);
    EXPECT_EQ(query_int("/p?limit=1001", "limit", 100, 1, 1000), std::nullopt);
    EXPECT_EQ(query_int("/p?limit=5x", "limit", 100, 1, 1000), std::nullopt);
    EXPECT_EQ(query_int("/p?limit=", "limit", 100, 1, 1000), std::nullopt);
    EXPECT_EQ(query_int("/p?limit=-3", "limit", 100, 1, 1000), std::nullopt);
}

}  // namespace
}  // namespace onstage::api
