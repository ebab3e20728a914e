#include "api/metrics.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace onstage::api {
namespace {

using std::chrono::microseconds;

std::uint64_t sample(const std::string& text, const std::string& series) {
    std::smatch m;
    const std::regex line("(^|\n)" +
                          std::regex_replace(series, std::regex(R"([{}+".])"), R"(\$&)") +
                          R"( ([0-9.e+-]+)\n)");
    if (!std::regex_search(text, m, line)) {
        ADD_FAILURE() << series << " missing from:\n" << text;
        return 0;
    }
    return static_cast<std::uint64_t>(std::stod(m[2]));
}

TEST(LatencyHistogram, CountsEachObservationInItsBucketAndAllLargerOnes) {
    LatencyHistogram h;
    h.observe(microseconds(100));        // ≤ 0.25 ms
    h.observe(microseconds(250));        // exactly on a bound: ≤ 0.25 ms
    h.observe(microseconds(30'000));     // ≤ 50 ms
    h.observe(microseconds(5'000'000));  // above 1 s: +Inf only
    std::string out;
    h.render(out, "x_seconds", "help");
    EXPECT_EQ(sample(out, "x_seconds_bucket{le=\"0.00025\"}"), 2U);
    EXPECT_EQ(sample(out, "x_seconds_bucket{le=\"0.025\"}"), 2U);
    EXPECT_EQ(sample(out, "x_seconds_bucket{le=\"0.05\"}"), 3U);
    EXPECT_EQ(sample(out, "x_seconds_bucket{le=\"1\"}"), 3U);
    EXPECT_EQ(sample(out, "x_seconds_bucket{le=\"+Inf\"}"), 4U);
    EXPECT_EQ(sample(out, "x_seconds_count"), 4U);
    EXPECT_NE(out.find("x_seconds_sum 5.03035\n"), std::string::npos) << out;
    EXPECT_NE(out.find("# TYPE x_seconds histogram\n"), std::string::npos);
}

TEST(Metrics, RendersErrorsByCodeAndGauges) {
    Metrics m;
    m.count_error("already_claimed");
    m.count_error("already_claimed");
    m.count_error("kicked");
    ++m.tabs_attached;
    const std::string out = m.render();
    EXPECT_EQ(sample(out, "onstage_errors_total{code=\"already_claimed\"}"), 2U);
    EXPECT_EQ(sample(out, "onstage_errors_total{code=\"kicked\"}"), 1U);
    EXPECT_EQ(sample(out, "onstage_tabs_attached"), 1U);
    EXPECT_NE(out.find("# TYPE onstage_tabs_attached gauge\n"), std::string::npos);
    EXPECT_EQ(sample(out, "onstage_command_delivery_seconds_count"), 0U);
}

}  // namespace
}  // namespace onstage::api
