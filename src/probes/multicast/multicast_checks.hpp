// The multicast probe's checks that touch the OS (through platform::multicast): binds on the
// port, per-interface join/send/loopback, and the plan of which interfaces to try.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

// True for "the port is taken": EADDRINUSE, and on Windows also the WSAEACCES an
// SO_EXCLUSIVEADDRUSE holder causes.
bool is_port_conflict(const SysError& error);

// Binds the port on the wildcard without and with reuse, and to the group address as Zenoh
// does on Unix; each socket is closed before the next bind.
std::vector<BindCheck> run_bind_checks(const MulticastFacts& facts);

// One row per host interface, then the "(default)" row (the kernel picks the interface).
// Pure: decides what to try from the snapshot and the user's interface selection.
std::vector<InterfaceCheck> plan_interfaces(const platform::HostSnapshot& host,
                                            platform::multicast::Family family,
                                            const std::vector<std::string>& selected);

// Joins, sends one datagram with loopback on, and waits until `wait_until` for each to come
// back. Fills the rows in facts.interfaces.
void run_interface_checks(MulticastFacts& facts, std::chrono::steady_clock::time_point wait_until);

// Opens the group socket as Zenoh does (one socket, SO_REUSEADDR, bound like Zenoh binds it on
// this OS, on the loopback check's port) and joins it on every interface Zenoh would use, in
// order, recording each join's result.
ZenohSocketLayout run_zenoh_socket_check(const MulticastFacts& facts);

// True for a send the local host refused (a firewall rule in the output path: EPERM, or
// WSAEACCES on Windows).
bool is_send_refused(const SysError& error);

// Rows whose datagram a firewall may explain: the send was refused, or it left and never came
// back on a quiet port.
std::vector<const InterfaceCheck*> rows_for_firewall(const MulticastFacts& facts);

// Reads the ruleset, sends once more on those rows and reads it again, so the findings can name
// the rules that match and say whether their counters rose. Runs only when some row failed.
FirewallEvidence look_at_firewall(const MulticastFacts& facts,
                                  std::chrono::steady_clock::time_point deadline);

}  // namespace netdiag::probes::multicast
