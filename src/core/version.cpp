#include "netdiag/version.hpp"

namespace netdiag {

std::string_view version() {
    return NETDIAG_VERSION;
}
std::string_view git_commit() {
    return NETDIAG_GIT_COMMIT;
}

}  // namespace netdiag
