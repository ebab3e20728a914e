// Writes an N-row roster CSV (full_name,email,team) to stdout, for benchmarks.
// Usage: make_roster N [seed]
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: make_roster N [seed]\n");
        return 2;
    }
    const long n = std::strtol(argv[1], nullptr, 10);
    unsigned long state = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
    static const char* const kFirst[] = {"Ana",   "Bo",    "Chidi", "Dana", "Élodie",
                                         "Farid", "Grace", "Hiro",  "Ines", "José",
                                         "Kai",   "Lena",  "Mei",   "Noor"};
    static const char* const kLast[] = {"Okafor",  "Nguyen",   "Smith",  "Müller",
                                        "García",  "Kowalski", "Haddad", "Tanaka",
                                        "O'Brien", "Silva",    "Novak",  "Rossi"};
    std::printf("full_name,email,team\n");
    for (long i = 0; i < n; ++i) {
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        const auto a = (state >> 33) % (sizeof kFirst / sizeof *kFirst);
        const auto b = (state >> 45) % (sizeof kLast / sizeof *kLast);
        // Every 10th row quotes a name holding a comma, as spreadsheets export them.
        if (i % 10 == 0) {
            std::printf("\"%s, %s\",user%ld@example.org,\"team \"\"%ld\"\"\"\n", kLast[b],
                        kFirst[a], i, i % 50);
        } else {
            std::printf("%s %s,user%ld@example.org,team %ld\n", kFirst[a], kLast[b], i, i % 50);
        }
    }
    return 0;
}
