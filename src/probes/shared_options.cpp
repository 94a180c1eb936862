// Options that are no single probe's: read by several, declared once. --peer belongs to
// udp-batch's table (multicast reads it too); what is left is the Windows Firewall's.
#include "netdiag/probe.hpp"
#include "probes/option_builders.hpp"

namespace netdiag {

const std::vector<OptionSpec>& shared_probe_options() {
    static const std::vector<OptionSpec> options{
        // Read once per run on Windows; judged by the probes that need inbound traffic.
        option_builders::text_option("--program", &SharedProbeOptions::firewall_programs, "PATH",
                                     "Windows: also judge firewall rules for this program (full "
                                     "path of the .exe that should receive the traffic; "
                                     "repeatable)")
            .in_group("Windows Firewall")
            .also_read_by({"multicast"}),
    };
    return options;
}

}  // namespace netdiag
