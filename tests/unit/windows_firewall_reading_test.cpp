// The firewall read from the real OS: on Windows (and Wine) through COM, where each part is
// either read or undecided with the call and its HRESULT; elsewhere nothing applies.
#include <catch2/catch.hpp>

#include "firewall/inbound_judgement.hpp"
#include "firewall/probe_needs.hpp"
#include "netdiag/firewall.hpp"
#include "netdiag/platform.hpp"

using namespace netdiag;
namespace pf = netdiag::platform::firewall;

namespace {

// A part is either read or says which call failed and how.
void check_read_or_undecided(bool read, const pf::Undecided& undecided) {
    CAPTURE(undecided.describe());
    if (read) {
        CHECK(undecided.decided());
    } else {
        CHECK_FALSE(undecided.decided());
        CHECK_FALSE(undecided.describe().empty());
    }
}

}  // namespace

TEST_CASE("the host firewall is read or undecided, never guessed", "[platform][firewall]") {
    const auto fw = fw::read_relevant_firewall(fw::NeedSet{}, std::chrono::seconds(10));
    const auto json = pf::to_json(fw);
    if (platform::current_platform() != "windows") {
        CHECK_FALSE(fw.applicable);
        CHECK(fw.networks.empty());
        CHECK(fw.profiles.empty());
        return;
    }
    REQUIRE(fw.applicable);
    INFO(json.dump(2));
    REQUIRE(fw.com.decided());  // CoInitializeEx works on Windows and under Wine
    check_read_or_undecided(fw.networks_read, fw.networks_undecided);
    check_read_or_undecided(fw.policy_read, fw.policy_undecided);
    check_read_or_undecided(fw.rules_read, fw.rules_undecided);
    if (!fw.networks_undecided.decided()) {
        CHECK_FALSE(fw.networks_undecided.call.empty());
    }
    for (const auto& network : fw.networks) {
        CHECK((network.category.has_value() || !network.category_undecided.decided()));
    }
    if (fw.policy_read) {
        REQUIRE(fw.profiles.size() == 3);
        for (const auto& profile : fw.profiles) {
            const bool all_read =
                profile.enabled && profile.default_inbound_block && profile.block_all_inbound;
            CHECK(all_read == profile.undecided.empty());
        }
    }
    // The Hyper-V firewall's WSL setting: read, or the reason it was not.
    CHECK((!fw.hyperv_wsl.empty() || !fw.hyperv_wsl_undecided.decided()));
    CHECK(json.contains("rules"));
    CHECK(json.contains("profiles"));
}

TEST_CASE("the verdict on the real firewall facts is decided only from facts that were read",
          "[platform][firewall]") {
    const auto facts = fw::read_relevant_firewall(fw::NeedSet{}, std::chrono::seconds(10));
    if (!facts.applicable) {
        CHECK(fw::judge_inbound(facts, {}).outcome == fw::InboundOutcome::not_applicable);
        return;
    }
    unsigned judged = 0;
    for (const auto& network : facts.networks) {
        for (const auto& adapter : network.adapter_ids) {
            fw::InboundQuestion q;
            q.probe = "multicast";
            q.need = {.what = "multicast 224.0.0.224:7446",
                      .protocol = pf::kUdp,
                      .port_first = 7446,
                      .port_last = 7446,
                      .local_address = "224.0.0.224"};
            q.adapter_id = adapter;
            const auto verdict = fw::judge_inbound(facts, q);
            INFO(adapter << ": " << fw::to_string(verdict.outcome) << " (" << verdict.reason
                         << ")");
            CHECK_FALSE(verdict.reason.empty());
            ++judged;
            if (!network.category) {
                CHECK(verdict.outcome == fw::InboundOutcome::undecided);
                continue;
            }
            const pf::Profile* profile = nullptr;
            for (const auto& p : facts.profiles) {
                if (p.type == *network.category) profile = &p;
            }
            if (profile == nullptr || !profile->enabled) {
                // Wine: get_FirewallEnabled is E_NOTIMPL, so nothing may be concluded.
                CHECK(verdict.outcome == fw::InboundOutcome::undecided);
                CHECK_THAT(verdict.reason, Catch::Contains("not read"));
            }
        }
    }
    CAPTURE(judged);
    SUCCEED("judged every adapter the network list names");
}
