// Micro-benchmarks of the costs that decide login latency and import time.
#include <benchmark/benchmark.h>

#include <string>

#include "auth/access_key.hpp"
#include "importer/roster.hpp"

namespace {

using namespace onstage;

// One interactive login verifies one Argon2id hash: this is its cost (target: under ~100 ms).
void BM_VerifyAccessKey(benchmark::State& state) {
    const std::string key = auth::generate_access_key();
    const std::string hash = auth::hash_access_key(key);
    for (auto _ : state) {
        benchmark::DoNotOptimize(auth::verify_access_key(hash, key));
    }
}
BENCHMARK(BM_VerifyAccessKey)->Unit(benchmark::kMillisecond);

void BM_HashAccessKey(benchmark::State& state) {
    const std::string key = auth::generate_access_key();
    for (auto _ : state) {
        benchmark::DoNotOptimize(auth::hash_access_key(key));
    }
}
BENCHMARK(BM_HashAccessKey)->Unit(benchmark::kMillisecond);

// Parsing a roster of N rows shaped like a spreadsheet export.
void BM_ReadRoster(benchmark::State& state) {
    std::string csv = "full_name,email,team\n";
    for (int64_t i = 0; i < state.range(0); ++i) {
        csv += (i % 10 == 0) ? "\"Okafor, Ana\"" : "Ana Okafor";
        csv += ",user" + std::to_string(i) + "@example.org,team " + std::to_string(i % 50) + "\n";
    }
    for (auto _ : state) {
        auto roster = importer::read_roster(csv, "bench.csv");
        benchmark::DoNotOptimize(roster.ok());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}
BENCHMARK(BM_ReadRoster)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
