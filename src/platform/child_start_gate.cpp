#include "platform/child_start_gate.hpp"

namespace netdiag::platform {
namespace {

std::shared_mutex& gate() {
    static std::shared_mutex mutex;
    return mutex;
}

}  // namespace

std::shared_lock<std::shared_mutex> hold_for_child_start() {
    return std::shared_lock<std::shared_mutex>(gate());
}

std::unique_lock<std::shared_mutex> hold_against_child_starts() {
    return std::unique_lock<std::shared_mutex>(gate());
}

}  // namespace netdiag::platform
