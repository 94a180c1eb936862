#include "probes/multicast/multicast_findings.hpp"

#include "probes/multicast/findings_common.hpp"

namespace netdiag::probes::multicast {

std::vector<Finding> judge_multicast(const MulticastFacts& facts) {
    std::vector<Finding> out;
    judge_environment(facts, out);
    judge_binds(facts, out);
    judge_joins(facts, out);
    judge_zenoh_socket(facts, out);
    judge_send_refused(facts, out);
    judge_receive_path(facts, out);
    judge_windows_firewall(facts, out);
    judge_two_hosts(facts, out);
    judge_zenoh(facts, out);
    return out;
}

}  // namespace netdiag::probes::multicast
