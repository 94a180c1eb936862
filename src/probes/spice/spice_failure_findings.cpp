#include "probes/spice/spice_failure_findings.hpp"

#include <fmt/format.h>

#include "probes/spice/spice_findings.hpp"
#include "proto/spice/spice_constants.hpp"

namespace netdiag::probes::spice {
namespace {

namespace sp = netdiag::proto::spice;

std::string port_of(const std::string& target) {
    const auto colon = target.rfind(':');
    return colon == std::string::npos ? target : target.substr(colon + 1);
}

nlohmann::json base_evidence(const SpiceObservation& o) {
    nlohmann::json e = {
        {"target", o.target}, {"stage", stage_name(o.stage)}, {"failure", failure_name(o.failure)}};
    if (o.sys_error) {
        e["errno"] = o.sys_error.native;
        e["errno_name"] = o.sys_error.native_name;
    }
    if (o.message_type) e["message_type"] = *o.message_type;
    if (o.trickling_last_byte) e["last_byte_before_deadline_ms"] = o.trickling_last_byte->count();
    if (o.bytes_expected != 0) {
        e["bytes_expected"] = o.bytes_expected;
        e["bytes_received"] = o.bytes_received;
    }
    if (o.link_error) e["link_error"] = sp::link_error_name(*o.link_error);
    if (o.link_result) e["link_result"] = sp::link_error_name(*o.link_result);
    if (o.server_major)
        e["server_version"] = fmt::format("{}.{}", *o.server_major, o.server_minor.value_or(0));
    return e;
}

Finding make(std::string_view id, Severity severity, std::string title, const SpiceObservation& o) {
    return make_spice_finding(id, severity, std::move(title), o.failure_detail, base_evidence(o));
}

Finding cannot_connect(const SpiceObservation& o) {
    auto f = make(finding_id::kCannotConnect, Severity::error,
                  fmt::format("Cannot connect to the SPICE server at {}", o.target), o);
    f.remedy = {
        fmt::format("Check that the VM is running and listens there: `ss -ltnp | grep :{}`.",
                    port_of(o.target)),
        "Check QEMU's `-spice port=…,addr=…` (or libvirt's `<graphics type='spice'>` "
        "port and listen address): by default it listens on the loopback address only.",
        "A timeout rather than a refusal points to a firewall dropping the port."};
    return f;
}

Finding silent_or_closed(const SpiceObservation& o) {
    const bool watching = o.stage == Stage::watching;
    const auto what = o.failure != Failure::timed_out ? "closed the connection"
                      : o.trickling_last_byte         ? "sent too slowly"
                                                      : "went silent";
    auto f = make(
        finding_id::kSilentOrClosed, watching ? Severity::warning : Severity::error,
        fmt::format("SPICE server at {} {} while {}", o.target, what, stage_description(o.stage)),
        o);
    if (o.disconnecting) {
        f.detail += fmt::format(" It sent DISCONNECTING ({}) first.",
                                sp::link_error_name(o.disconnecting->reason));
    }
    f.remedy = {
        "Read the server's log: QEMU prints SPICE errors on its stderr, libvirt keeps them "
        "in /var/log/libvirt/qemu/<vm>.log.",
        "Check that the port is the plain SPICE port: a `tls-port` needs a TLS client, "
        "and a proxy in front of the server may drop idle or unknown traffic."};
    if (o.trickling_last_byte) {
        f.remedy.push_back(
            "Bytes were still arriving, a few at a time: look for a saturated or shaped link, "
            "a proxy buffering the stream, or a server starved of CPU (a paused or "
            "overloaded host).");
    }
    if (o.stage == Stage::link_reply && !o.trickling_last_byte) {
        f.remedy.push_back(
            "No link reply at all usually means another service owns the port: "
            "`ss -ltnp` shows which process listens.");
    }
    if (watching) {
        f.remedy.push_back(
            "The session ended after the channel list: a client would have lost "
            "its connection too; re-run with a longer `--spice-watch` to see "
            "when it happens.");
    }
    return f;
}

Finding malformed(const SpiceObservation& o) {
    const auto title = o.failure == Failure::not_spice
                           ? fmt::format("The server at {} does not speak SPICE", o.target)
                           : fmt::format("SPICE server at {} sent a malformed message while {}",
                                         o.target, stage_description(o.stage));
    auto f = make(finding_id::kMalformed, Severity::error, title, o);
    f.remedy = {
        "Check that the port belongs to the SPICE server and not to another service "
        "(`ss -ltnp`).",
        "If it is the SPICE server, attach this report (`--format json`) to a bug report "
        "for the server: the evidence names the message and the offending length."};
    return f;
}

Finding version_mismatch(const SpiceObservation& o) {
    auto f = make(finding_id::kVersionMismatch, Severity::error,
                  fmt::format("SPICE server at {} speaks another protocol version", o.target), o);
    f.evidence["client_version"] = fmt::format("{}.{}", sp::kProtocolMajor, sp::kProtocolMinor);
    f.remedy = {
        "Every current SPICE server and client speaks protocol 2.2; a different major "
        "version means a very old or non-standard server.",
        "Update the server (QEMU / spice-server) or use a client built for its version."};
    return f;
}

Finding link_refused(const SpiceObservation& o) {
    const auto code = o.link_result.value_or(o.link_error.value_or(0));
    auto f = make(finding_id::kLinkRefused, Severity::error,
                  fmt::format("SPICE server at {} refused the link: {} ({})", o.target,
                              sp::link_error_name(code), code),
                  o);
    switch (static_cast<sp::LinkError>(code)) {
        case sp::LinkError::need_secured:
            f.remedy.push_back(
                "The server requires TLS for this channel: connect to its "
                "`tls-port`, or drop `tls-channel=main` / `secure-channels` in "
                "the server's SPICE options.");
            break;
        case sp::LinkError::need_unsecured:
            f.remedy.push_back("The server refuses TLS for this channel: use its plain `port`.");
            break;
        case sp::LinkError::channel_not_available:
            f.remedy.push_back(
                "The server has no such channel: check the devices behind it "
                "(QXL display, audio, USB redirection).");
            break;
        default:
            f.remedy.push_back(
                "Read the server's log for the reason: QEMU prints SPICE errors "
                "on its stderr (libvirt: /var/log/libvirt/qemu/<vm>.log).");
    }
    return f;
}

Finding auth(const SpiceObservation& o) {
    const auto title = o.password_given
                           ? fmt::format("SPICE server at {} refused the password", o.target)
                           : fmt::format("SPICE server at {} requires a password", o.target);
    auto f = make(finding_id::kAuth, Severity::error, title, o);
    f.evidence["password_given"] = o.password_given;
    if (o.password_given) {
        f.remedy = {
            "Check the password: QEMU sets it with `-spice password-secret=ID` "
            "(`-object secret,id=ID,…`) or `set_password spice PASSWORD` in the monitor; "
            "libvirt with `passwd=` on `<graphics>`.",
            "A ticket can expire (`expire_password spice`): set it again.",
            "The password goes to netdiag with `--spice-password` or the SPICE_PASSWORD "
            "environment variable."};
    } else {
        f.remedy = {fmt::format("Run again with the password: `SPICE_PASSWORD=… netdiag probe "
                                "spice --spice {}` (or `--spice-password`).",
                                o.target),
                    "If the server should not need one, start it with `disable-ticketing=on`."};
    }
    return f;
}

}  // namespace

std::optional<Finding> failure_finding(const SpiceObservation& o) {
    switch (o.failure) {
        case Failure::none:
        case Failure::interrupted:  // says nothing about the server
            return std::nullopt;
        case Failure::connect_failed:
            return cannot_connect(o);
        case Failure::timed_out:
            if (o.stage == Stage::connect) return cannot_connect(o);
            return silent_or_closed(o);
        case Failure::closed:
        case Failure::io_error:
            return silent_or_closed(o);
        case Failure::not_spice:
        case Failure::malformed:
        case Failure::crypto_failed:
            return malformed(o);
        case Failure::version_mismatch:
            return version_mismatch(o);
        case Failure::link_refused:
            return link_refused(o);
        case Failure::auth_failed:
            return auth(o);
    }
    return std::nullopt;
}

}  // namespace netdiag::probes::spice
