// Bad input gets a clear error and the documented exit status (docs/exit-codes.md): every
// option with an invalid value is a usage error (2) that names the option; a report that cannot
// be written is exit 3 with the reason, and leaves no partial file at the target path.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "netdiag/probe.hpp"
#include "run_binary.hpp"

using netdiag::testing::run_netdiag;
namespace fs = std::filesystem;

TEST_CASE("every option with an invalid value is exit 2 and names the option") {
    struct Case {
        const char* args;
        const char* option;  // the message must name it
    };
    const Case cases[] = {
        {"probe --timeout abc", "--timeout"},
        {"probe --timeout 5ms", "--timeout"},
        {"probe --format yaml", "--format"},
        {"probe --fail-on fatal", "--fail-on"},
        {"probe multicast --port 0", "--port"},
        {"probe multicast --port 70000", "--port"},
        {"probe multicast --port abc", "--port"},
        {"probe multicast --group nope", "--group"},
        {"probe multicast --group 10.0.0.1", "--group"},
        {"probe multicast --zenoh-window 1x", "--zenoh-window"},
        {"probe spice --spice nohost", "--spice"},
        {"probe spice --spice 127.0.0.1:99999", "--spice"},
        {"probe spice --spice-watch xyz", "--spice-watch"},
        {"probe udp-batch --peer bad", "--peer"},
        {"probe udp-batch --udp-target :", "--udp-target"},
        {"probe udp-batch --udp-source nope", "--udp-source"},
        {"probe udp-batch --udp-size 5", "--udp-size"},
        {"probe udp-batch --udp-batch 0", "--udp-batch"},
        {"probe udp-batch --udp-measure-ms -1", "--udp-measure-ms"},
        {"probe shared-accept --accept-workers 0", "--accept-workers"},
        {"probe shared-accept --accept-connections 0", "--accept-connections"},
        {"probe shared-accept --accept-concurrency 0", "--accept-concurrency"},
        {"probe shared-accept --accept-pattern nope", "--accept-pattern"},
        {"probe multicast --multicast-interface no-such-if0", "--multicast-interface"},
        {"watch --duration abc", "--duration"},
        {"watch --duration 0s", "--duration"},
        {"watch --heartbeat-interval 1x", "--heartbeat-interval"},
        {"watch --heartbeat 127.0.0.1:99999", "--heartbeat"},
        {"diff --threshold abc a.json b.json", "--threshold"},
        {"render --format yaml r.json", "--format"},
        {"peer --listen nohost", "--listen"},
        {"probe no-such-probe", "no-such-probe"},
        {"--no-such-option", "--no-such-option"},
    };
    for (const auto& c : cases) {
        INFO("netdiag " << c.args);
        // -q everywhere it exists (`peer` has no quiet mode), so stdout must stay empty.
        const std::string args = c.args;
        const auto run = run_netdiag(args.rfind("peer", 0) == 0 ? args : args + " -q");
        CHECK(run.code == 2);
        CHECK(run.out.empty());  // nothing on stdout: no half report
        CHECK(run.err.find("netdiag: error:") != std::string::npos);
        CHECK(run.err.find(c.option) != std::string::npos);
    }
}

// Every checked option of every probe's table, with the value its description says it refuses:
// a new option is covered by its table row (tests/unit/probe_registry_test.cpp checks that each
// checked row names such a value).
TEST_CASE("every probe option refuses its invalid example with exit 2 and names the option") {
    std::size_t checked = 0;
    for (const auto& probe : netdiag::probe_registry()) {
        for (const auto& spec : probe.options) {
            if (spec.invalid_example.empty()) continue;
            const auto args = "probe " + std::string(probe.id) + " " + spec.name + " '" +
                              spec.invalid_example + "' -q";
            INFO("netdiag " << args);
            const auto run = run_netdiag(args);
            CHECK(run.code == 2);
            CHECK(run.out.empty());
            CHECK(run.err.find("netdiag: error:") != std::string::npos);
            CHECK(run.err.find(spec.name) != std::string::npos);
            ++checked;
        }
    }
    CHECK(checked >= 10);
}

TEST_CASE("--peer's error gives netdiag peer's port as the example, not SPICE's") {
    for (const char* probe : {"udp-batch", "multicast"}) {
        INFO(probe);
        const auto run = run_netdiag(std::string("probe ") + probe + " --peer nohost -q");
        CHECK(run.code == 2);
        CHECK(run.err.find("--peer") != std::string::npos);
        CHECK(run.err.find("47100") != std::string::npos);
        CHECK(run.err.find("5930") == std::string::npos);
    }
}

TEST_CASE("a report path in a missing folder is exit 3 with the reason") {
    const auto target = fs::temp_directory_path() / "netdiag-no-such-dir" / "r.json";
    const auto run = run_netdiag("probe host -q --format json -o '" + target.string() + "'");
    CHECK(run.code == 3);
    CHECK(run.err.find("cannot write report") != std::string::npos);
    CHECK(run.err.find("No such file or directory") != std::string::npos);
    CHECK_FALSE(fs::exists(target));
}

// A tiny tmpfs, full or read-only: mounting needs root (SKIPPED otherwise).
class TinyTmpfs {
public:
    explicit TinyTmpfs(const std::string& options) {
        dir_ = fs::temp_directory_path() / ("netdiag-tmpfs-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        mounted_ = ::mount("netdiag-test", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~TinyTmpfs() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    TinyTmpfs(const TinyTmpfs&) = delete;
    TinyTmpfs& operator=(const TinyTmpfs&) = delete;
    bool mounted() const { return mounted_; }
    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
    bool mounted_ = false;
};

TEST_CASE("a full file system is exit 3 and leaves no truncated report") {
    if (::geteuid() != 0) {
        NETDIAG_SKIP("root", "mounting a tiny tmpfs needs root");
    }
    // One 4 KiB page: the JSON report of `probe --all` is several times larger.
    TinyTmpfs tmpfs("size=4k");
    if (!tmpfs.mounted()) {
        NETDIAG_SKIP("root", "cannot mount tmpfs here (no CAP_SYS_ADMIN in this container?)");
    }
    const auto target = tmpfs.dir() / "report.json";
    const auto run = run_netdiag("probe host wasi-af --wasm '" NETDIAG_FIXTURES_DIR
                                 "/wasm/bad_socket_constants.wasm' -q --format json -o '" +
                                 target.string() + "'");
    INFO(run.err);
    CHECK(run.code == 3);
    CHECK(run.err.find("cannot write report") != std::string::npos);
    CHECK(run.err.find("No space left on device") != std::string::npos);
    CHECK_FALSE(fs::exists(target));
    // No temporary file left behind either.
    CHECK(fs::directory_iterator(tmpfs.dir()) == fs::directory_iterator{});
}

TEST_CASE("a read-only folder is exit 3 and says so") {
    if (::geteuid() != 0) {
        NETDIAG_SKIP("root", "mounting a read-only tmpfs needs root");
    }
    TinyTmpfs tmpfs("size=64k");
    if (!tmpfs.mounted() ||
        ::mount(nullptr, tmpfs.dir().c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
        NETDIAG_SKIP("root", "cannot mount a read-only tmpfs here");
    }
    const auto target = tmpfs.dir() / "report.json";
    const auto run = run_netdiag("probe host -q --format json -o '" + target.string() + "'");
    CHECK(run.code == 3);
    CHECK(run.err.find("Read-only file system") != std::string::npos);
    CHECK_FALSE(fs::exists(target));
}
