#include "probes/spice/spice_probe.hpp"
#include "probes/spice/spice_options.hpp"

#include <thread>

#include <fmt/format.h>

#include "probes/spice/spice_analysis.hpp"
#include "probes/spice/spice_client.hpp"
#include "probes/spice/spice_findings.hpp"
#include "probes/spice/spice_target.hpp"

namespace netdiag::probes::spice {
namespace {

class SpiceProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& context) override {
        ProbeResult result;
        const auto& options = context.options().get<SpiceOptions>();
        if (options.targets.empty()) {
            result.status = ProbeStatus::skip;
            result.reason = "no SPICE server given (use --spice HOST:PORT)";
            return result;
        }
        std::vector<ClientSettings> settings;
        for (const auto& text : options.targets) {
            std::string error;
            const auto target = parse_spice_target(text, error);
            if (!target) {
                result.status = ProbeStatus::error;
                result.reason = "--spice " + error;
                return result;
            }
            ClientSettings s;
            s.target = target->text;
            s.host = target->host;
            s.port = target->port;
            s.password = options.password;
            s.password_given = !options.password.empty();
            s.deadline = context.deadline();
            s.watch = options.watch;
            s.interrupted = [&context] { return context.interrupted(); };
            settings.push_back(std::move(s));
        }

        // Each server gets its own thread and socket, so one silent server does not use up
        // the others' time; all share the probe's deadline.
        std::vector<SpiceObservation> observations(settings.size());
        {
            std::vector<std::jthread> workers;
            for (std::size_t i = 0; i < settings.size(); ++i) {
                context.progress("linking " + settings[i].target);
                workers.emplace_back(
                    [&, i] { observations[i] = observe_spice_server(settings[i]); });
            }
        }

        auto targets = nlohmann::json::array();
        auto tables = nlohmann::json::array();
        for (const auto& o : observations) {
            auto a = analyse(o);
            for (auto& f : a.findings) result.findings.push_back(std::move(f));
            targets.push_back(std::move(a.measurement));
            if (!o.lists.empty()) tables.push_back(std::move(a.table));
        }
        result.measurements = {{"targets", targets}, {"tables", tables}};
        for (const auto& f : result.findings) {
            if (f.severity == Severity::error) {
                result.reason = f.title;
                break;
            }
        }
        for (const auto& o : observations) {
            if (o.failure == Failure::interrupted) {
                result.reason = o.target + ": " + o.failure_detail;
                break;
            }
        }
        return result;
    }
};

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<SpiceProbe>();
}

}  // namespace netdiag::probes::spice
