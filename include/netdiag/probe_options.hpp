// Options a user passes for particular probes. Each probe declares its own options type in its
// folder (src/probes/<id>/<id>_options.hpp) with its defaults; a run keeps one value of each
// type, filled by the CLI from the probe's option table, and a probe reads only its own.
#pragma once

#include <any>
#include <map>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <vector>

namespace netdiag {

class ProbeOptions {
public:
    // The value given for this options type, or its defaults when nothing was given.
    template <class Options>
    const Options& get() const {
        const auto it = values_.find(std::type_index(typeid(Options)));
        if (it == values_.end()) {
            static const Options defaults{};
            return defaults;
        }
        return std::any_cast<const Options&>(it->second);
    }

    // The value to fill, starting from the type's defaults.
    template <class Options>
    Options& edit() {
        auto& slot = values_[std::type_index(typeid(Options))];
        if (!slot.has_value()) slot = Options{};
        return std::any_cast<Options&>(slot);
    }

private:
    std::map<std::type_index, std::any> values_;
};

// Options that more than one probe reads, declared once (src/probes/shared_options.cpp).
struct SharedProbeOptions {
    std::string peer;  // HOST:PORT of `netdiag peer` on another host (udp-batch, multicast)
    // Windows Firewall: programs whose rules count besides netdiag's own (--program PATH)
    std::vector<std::string> firewall_programs;
};

}  // namespace netdiag
