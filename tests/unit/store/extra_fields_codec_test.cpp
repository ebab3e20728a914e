// The participants.extra column codec: whatever a CSV cell holds comes back byte for byte, and
// damaged text is refused instead of misread.
#include "store/sqlite/extra_fields_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onstage::store::sqlite {
namespace {

using domain::ExtraField;
using Fields = std::vector<ExtraField>;

std::string encode(const Fields& fields) {
    std::string json;
    append_extra_fields(fields, json);
    return json;
}

Fields round_trip(const Fields& fields) {
    std::string json = encode(fields);
    auto decoded = decode_extra_fields(json);
    EXPECT_TRUE(decoded.has_value()) << json;
    return decoded.value_or(Fields{});
}

TEST(ExtraFieldsCodec, EmptyListIsCompact) {
    EXPECT_EQ(encode({}), "[]");
    EXPECT_EQ(round_trip({}), Fields{});
}

TEST(ExtraFieldsCodec, AppendsSoRowsCanShareOneBuffer) {
    std::string buffer = "before|";
    append_extra_fields(Fields{{"a", "1"}}, buffer);
    EXPECT_EQ(buffer, "before|[[\"a\",\"1\"]]");
}

TEST(ExtraFieldsCodec, KeepsOrderRepeatedNamesAndAwkwardBytes) {
    std::string every_control;
    for (char c = 1; c < 0x20; ++c) {
        every_control += c;
    }
    Fields fields = {{"Company", "Café \"Zürich\" \\ Ltd."},
                     {"Notes", every_control + std::string(1, '\0') + "end"},
                     {"Company", "🎤 東京"},
                     {"", ""},
                     {"slash/and\x7f", "</script>"}};
    EXPECT_EQ(round_trip(fields), fields);
}

TEST(ExtraFieldsCodec, EncodesAsJsonPairs) {
    std::string json = encode(Fields{{"a", "x\"y"}, {"b\n", "é"}});
    EXPECT_EQ(json, "[[\"a\",\"x\\\"y\"],[\"b\\n\",\"é\"]]");
}

TEST(ExtraFieldsCodec, DecodesAnyJsonOfThatShape) {
    auto decoded = decode_extra_fields(
        " [ [ \"caf\\u00e9\" , \"\\ud83c\\udfa4\\/\\b\\f\\r\\t\" ] ,[\"x\",\"\"] ] ");
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, (Fields{{"café", "🎤/\b\f\r\t"}, {"x", ""}}));
}

TEST(ExtraFieldsCodec, RefusesDamagedText) {
    for (const char* bad :
         {"", "[", "{}", "[[\"a\"]]", "[[\"a\",\"b\",\"c\"]]", "[[\"a\",1]]", "[[\"a\",\"b\"],]",
          "[[\"a\",\"b\"]] x", "[[\"a\",\"b]]", "[[\"\\x\",\"b\"]]", "[[\"\\u12\",\"b\"]]",
          "[[\"\\udc00\",\"b\"]]", "[[\"\\ud83c\",\"b\"]]", "[[\"a\n\",\"b\"]]"}) {
        EXPECT_FALSE(decode_extra_fields(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace onstage::store::sqlite
