// Runs a libFuzzer target's entry point over saved inputs, without libFuzzer: every seed and
// every input a fuzzing run ever crashed on (tests/fuzz/corpus/<target>/) is replayed by ctest
// in the plain and the sanitizer builds, so a fixed crash stays fixed.
//
//   netdiag_fuzz_replay_<target> FILE_OR_FOLDER...
//
// Exits non-zero when an argument holds no input, or when one input took longer than the
// per-input budget (a decoder that hangs is a bug as much as one that crashes). A crash ends
// the process with the sanitizer's or the trap's report, naming nothing: so the name of each
// input is printed before it runs.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// Far above the slowest seed under ASan (a few milliseconds); only a hang reaches it.
constexpr std::chrono::seconds kPerInputBudget{5};

std::vector<fs::path> inputs_in(const fs::path& argument) {
    std::vector<fs::path> files;
    if (fs::is_directory(argument)) {
        for (const auto& entry : fs::directory_iterator(argument)) {
            if (entry.is_regular_file()) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(argument)) {
        files.push_back(argument);
    }
    return files;
}

std::vector<std::uint8_t> slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const auto files = inputs_in(argv[i]);
        if (files.empty()) {
            std::fprintf(stderr, "%s: no inputs there\n", argv[i]);
            return 1;
        }
        for (const auto& file : files) {
            std::fprintf(stderr, "replay %s\n", file.c_str());
            const auto bytes = slurp(file);
            const auto start = std::chrono::steady_clock::now();
            LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            const auto took = std::chrono::steady_clock::now() - start;
            if (took > kPerInputBudget) {
                std::fprintf(
                    stderr, "%s: took %lld ms, over the %lld s budget\n", file.c_str(),
                    static_cast<long long>(
                        std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
                    static_cast<long long>(kPerInputBudget.count()));
                return 1;
            }
            ++replayed;
        }
    }
    std::printf("replayed %zu input(s) without a crash\n", replayed);
    return 0;
}
