// Which socket calls the lint could judge. A call is judged when every walk that reached it knew
// what its checks need: sock_open's family and type; the address bytes (family tag and port) of
// sock_bind, sock_connect and sock_send_to; and, for calls on a socket, which sock_open made it.
// Anything else is "unknown", with the reason, so a clean verdict means "judged and right".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "netdiag/model.hpp"
#include "probes/wasi_af/function_analysis.hpp"

namespace netdiag::probes::wasi_af {

// One aspect of a call: "judged", "n/a", or "unknown: <reason>".
struct CallCoverage {
    std::uint32_t function_index = 0;
    std::size_t offset = 0;
    std::string field;
    std::string family, type, address, socket;
    bool reached = false;
    bool judged() const;
};

class CoverageTally {
public:
    // Every socket call site of the module, whether a walk reached it or not.
    void add_site(std::uint32_t function_index, std::size_t offset, std::string field);
    // What one walk saw at the sites it reached.
    void add_walk(const WalkFacts& facts);
    // Sites no walk reached get this reason (e.g. the walk stopped before them).
    void finish(const std::string& unreached_reason);

    const std::vector<CallCoverage>& calls() const { return calls_; }
    std::size_t judged() const;
    std::size_t not_judged() const { return calls_.size() - judged(); }
    nlohmann::json to_json(const proto::wasm::Module& module, std::size_t limit) const;

private:
    CallCoverage* find(std::size_t offset);
    std::vector<CallCoverage> calls_;
    std::unordered_map<std::size_t, std::size_t> by_offset_;  // call offset -> index in calls_
};

// The info finding for a module with socket calls the lint could not judge; the reasons name
// what made each one unknown.
Finding not_judged_finding(const proto::wasm::Module& module, const CoverageTally& tally);

}  // namespace netdiag::probes::wasi_af
