// Turns what the client saw at one SPICE server into findings and measurements. Pure, so the
// unit tests drive it with observations built by hand.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/model.hpp"
#include "probes/spice/spice_observation.hpp"

namespace netdiag::probes::spice {

// One (type, id) announced more than once while the client already had it.
struct DuplicateChannel {
    proto::spice::ChannelId channel;
    int announcements = 0;  // how many times it was listed in all
    int first_list = 0;
    std::chrono::milliseconds first_at{0};
    int again_list = 0;  // the list of the first repeat
    std::chrono::milliseconds again_at{0};
};

std::vector<DuplicateChannel> find_duplicate_channels(const std::vector<ChannelList>& lists);

struct TargetAnalysis {
    std::vector<Finding> findings;
    nlohmann::json measurement;  // facts about this server, stable names
    nlohmann::json table;        // the channel table for the text report
};

TargetAnalysis analyse(const SpiceObservation& observation);

}  // namespace netdiag::probes::spice
