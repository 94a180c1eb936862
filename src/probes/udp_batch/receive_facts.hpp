// What the receive-side checks of udp-batch saw, as plain data: per address family whether the
// OS accepts the ECN reception option and whether an ECT(0) mark sent over loopback comes back,
// and whether receive coalescing (UDP_GRO / URO) can be enabled and hands over the segment size
// of what it coalesced. Gathered by receive_checks.cpp, judged by receive_findings.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/udp_receive.hpp"
#include "netdiag/udp_send.hpp"

namespace netdiag::probes::udp_batch {

struct EcnCheck {
    platform::udp::Family family = platform::udp::Family::ipv4;
    std::string skipped;         // why it did not run (no ::1 on this host), else empty
    std::string receive_option;  // "IP_RECVTOS", "IP_RECVECN", …
    SysError receive_option_error;
    std::string send_control;  // "IP_TOS cmsg", "IP_ECN cmsg", …
    std::uint8_t mark_sent = 0;
    platform::udp::SendOutcome send;
    bool arrived = false;                   // the marked datagram was read back
    std::optional<std::uint8_t> mark_read;  // the ECN bits the receiver was told
    SysError receive_error;
};

// One read of the coalescing receiver.
struct CoalescedRead {
    std::size_t size = 0;
    std::optional<std::size_t> segment_size;  // from UDP_GRO / UDP_COALESCED_INFO
};

struct CoalescingCheck {
    std::string skipped;  // why it did not run (no loopback receiver), else empty
    std::string option;   // "UDP_GRO", "UDP_RECV_MAX_COALESCED_SIZE"
    std::string control;  // the control message carrying the segment size
    SysError option_error;
    std::size_t segment_size = 0;
    std::size_t segments = 0;
    std::string send_path;  // how the segments were sent ("segmentation-cmsg", …)
    platform::udp::SendOutcome send;
    std::vector<CoalescedRead> reads;
    SysError receive_error;
};

struct ReceiveChecks {
    std::vector<EcnCheck> ecn;                  // IPv4, then IPv6
    std::optional<CoalescingCheck> coalescing;  // nullopt: not run
};

// The verdicts the report names, derived from the facts alone.
enum class EcnVerdict { skipped, option_refused, send_refused, lost, read_back, not_read_back };
enum class CoalescingVerdict {
    skipped,
    not_supported,           // the option was refused: a fact of this OS, not a fault
    send_failed,             // nothing to receive
    not_coalesced,           // every read was one segment
    coalesced_with_size,     // larger reads, each with the segment size to split them
    coalesced_without_size,  // a larger read without (or with a wrong) segment size: the fault
};
EcnVerdict verdict(const EcnCheck& check);
CoalescingVerdict verdict(const CoalescingCheck& check);
std::string_view to_string(EcnVerdict verdict);
std::string_view to_string(CoalescingVerdict verdict);
// "ECT(0)", "ECT(1)", "CE", "Not-ECT"
std::string ecn_name(std::uint8_t bits);
// The first read that holds several segments without the size that splits them, if any.
const CoalescedRead* unsplittable_read(const CoalescingCheck& check);

nlohmann::json to_json(const ReceiveChecks& checks);
// One line for the text report: "ECN ipv4 ECT(0) read back, ipv6 …; UDP_GRO coalesced …".
std::string receive_summary(const ReceiveChecks& checks);

}  // namespace netdiag::probes::udp_batch
