// Zenoh's socket layout: the one group socket joined on every interface. Limits that count
// memberships per socket (Linux igmp_max_memberships) and two interfaces that resolve to the
// same membership only show up here.
#include "probes/multicast/multicast_checks.hpp"

namespace netdiag::probes::multicast {

namespace mc = platform::multicast;

ZenohSocketLayout run_zenoh_socket_check(const MulticastFacts& facts) {
    ZenohSocketLayout layout;
    layout.attempted = true;
    if (facts.family == mc::Family::ipv4) layout.membership_limit = mc::membership_limit();
    const bool bind_group =
        facts.traits.zenoh_binds_group_address && facts.family == mc::Family::ipv4;
    layout.bind_address =
        bind_group ? facts.group : (facts.family == mc::Family::ipv4 ? "0.0.0.0" : "::");
    mc::MulticastSocket socket;
    layout.bind_error = socket.open(facts.family);
    if (!layout.bind_error) {
        layout.bind_error = socket.bind(bind_group ? facts.group : std::string{}, facts.test_port,
                                        {.reuse_address = true});
    }
    if (layout.bind_error) return layout;
    for (const auto& row : facts.interfaces) {
        if (row.is_default || !row.zenoh_uses) continue;
        SharedSocketJoin join{row.name, row.address, row.index, {}};
        join.error = socket.join(facts.group, {.ipv4_address = row.address, .index = row.index});
        layout.joins.push_back(std::move(join));
    }
    return layout;
}

}  // namespace netdiag::probes::multicast
