#include "probes/spice/spice_observation.hpp"

namespace netdiag::probes::spice {

std::string_view stage_name(Stage stage) {
    switch (stage) {
        case Stage::connect:
            return "connect";
        case Stage::link_reply:
            return "link_reply";
        case Stage::link_result:
            return "link_result";
        case Stage::main_init:
            return "main_init";
        case Stage::channels_list:
            return "channels_list";
        case Stage::watching:
            return "watching";
    }
    return "connect";
}

std::string_view stage_description(Stage stage) {
    switch (stage) {
        case Stage::connect:
            return "connecting";
        case Stage::link_reply:
            return "waiting for the link reply";
        case Stage::link_result:
            return "waiting for the link result";
        case Stage::main_init:
            return "waiting for MAIN_INIT";
        case Stage::channels_list:
            return "waiting for CHANNELS_LIST";
        case Stage::watching:
            return "watching for channel announcements";
    }
    return "connecting";
}

std::string_view failure_name(Failure failure) {
    switch (failure) {
        case Failure::none:
            return "none";
        case Failure::connect_failed:
            return "connect_failed";
        case Failure::timed_out:
            return "timed_out";
        case Failure::closed:
            return "closed";
        case Failure::io_error:
            return "io_error";
        case Failure::not_spice:
            return "not_spice";
        case Failure::malformed:
            return "malformed";
        case Failure::version_mismatch:
            return "version_mismatch";
        case Failure::link_refused:
            return "link_refused";
        case Failure::auth_failed:
            return "auth_failed";
        case Failure::crypto_failed:
            return "crypto_failed";
        case Failure::interrupted:
            return "interrupted";
    }
    return "none";
}

}  // namespace netdiag::probes::spice
