// Windows link events: NotifyIpInterfaceChange and NotifyUnicastIpAddressChange call back on a
// system thread when an interface or an address changes. The callback only posts to the
// io_context; there the interface table (GetIfTable2) or the address table
// (GetUnicastIpAddressTable) is read again and the tracker turns differences into events, so
// a notification that carries little (or arrives twice) still gives exact old and new states.
// First: <winsock2.h> must come before <iphlpapi.h>.
#include "platform/windows/win_internal.hpp"

#include <iphlpapi.h>
#include <netioapi.h>

#include <algorithm>
#include <atomic>
#include <mutex>

#include <asio/post.hpp>

#include "netdiag/link_events.hpp"

namespace netdiag::platform::links {
namespace {

LinkState state_of(const MIB_IF_ROW2& row) {
    if (row.AdminStatus != NET_IF_ADMIN_STATUS_UP) return LinkState::down;
    return row.OperStatus == IfOperStatusUp ? LinkState::up : LinkState::no_carrier;
}

// Filter drivers (the "-WFP Native MAC Layer LightWeight Filter-0000" rows) and adapters not
// present are not interfaces a person knows.
bool is_real_interface(const MIB_IF_ROW2& row) {
    return !row.InterfaceAndOperStatusFlags.FilterInterface &&
           row.OperStatus != IfOperStatusNotPresent;
}

struct Shared : std::enable_shared_from_this<Shared> {
    Shared(asio::io_context& context, LinkEventSource::Handler h)
        : io(context), handler(std::move(h)) {}

    asio::io_context& io;
    LinkEventSource::Handler handler;
    LinkStateTracker tracker;  // touched on the io thread only (and before registration)
    std::atomic<bool> stopped{false};
    std::atomic<bool> initial_interface_seen{false};
    std::atomic<bool> initial_address_seen{false};
    std::atomic<unsigned> notifications{0};
    std::mutex mutex;
    std::vector<std::string> notes;

    void note(std::string line) {
        std::lock_guard lock(mutex);
        notes.push_back(std::move(line));
    }

    void emit(std::optional<LinkEvent> event) {
        if (event && !stopped) handler(*event);
    }

    void scan_interfaces(bool baseline) {
        MIB_IF_TABLE2* table = nullptr;
        if (const auto rc = GetIfTable2(&table); rc != NO_ERROR) {
            note(windows::describe_call_failure("GetIfTable2", rc));
            return;
        }
        std::vector<unsigned> seen;
        for (ULONG i = 0; i < table->NumEntries; ++i) {
            const auto& row = table->Table[i];
            if (!is_real_interface(row)) continue;
            seen.push_back(row.InterfaceIndex);
            emit(tracker.observe_link(row.InterfaceIndex, windows::to_utf8(row.Alias),
                                      state_of(row), baseline));
        }
        FreeMibTable(table);
        for (const auto& known : tracker.interfaces()) {
            if (std::find(seen.begin(), seen.end(), known.index) == seen.end()) {
                emit(tracker.remove_link(known.index));
            }
        }
    }

    void scan_addresses(bool baseline) {
        MIB_UNICASTIPADDRESS_TABLE* table = nullptr;
        if (const auto rc = GetUnicastIpAddressTable(AF_UNSPEC, &table); rc != NO_ERROR) {
            note(windows::describe_call_failure("GetUnicastIpAddressTable", rc));
            return;
        }
        std::map<unsigned, std::set<std::string>> addresses;
        for (ULONG i = 0; i < table->NumEntries; ++i) {
            const auto& row = table->Table[i];
            const auto text =
                windows::address_text(reinterpret_cast<const sockaddr*>(&row.Address));
            if (text.empty()) continue;
            addresses[row.InterfaceIndex].insert(text + "/" +
                                                 std::to_string(row.OnLinkPrefixLength));
        }
        FreeMibTable(table);
        for (auto& event : tracker.replace_addresses(addresses, baseline)) emit(std::move(event));
    }
};

// System-thread callbacks: count, remember the initial notification, hand the work to io.
void CALLBACK on_interface_change(void* context, MIB_IPINTERFACE_ROW*, MIB_NOTIFICATION_TYPE type) {
    auto* shared = static_cast<Shared*>(context);
    if (type == MibInitialNotification) {
        shared->initial_interface_seen = true;
        return;  // the start-up scan already holds this state
    }
    ++shared->notifications;
    asio::post(shared->io, [self = shared->shared_from_this()] {
        if (!self->stopped) self->scan_interfaces(false);
    });
}

void CALLBACK on_address_change(void* context, MIB_UNICASTIPADDRESS_ROW*,
                                MIB_NOTIFICATION_TYPE type) {
    auto* shared = static_cast<Shared*>(context);
    if (type == MibInitialNotification) {
        shared->initial_address_seen = true;
        return;
    }
    ++shared->notifications;
    asio::post(shared->io, [self = shared->shared_from_this()] {
        if (!self->stopped) self->scan_addresses(false);
    });
}

class NotifySource final : public LinkEventSource {
public:
    explicit NotifySource(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
    ~NotifySource() override { stop(); }

    SysError register_notifications(std::string& error_text) {
        // InitialNotification TRUE: Windows calls back once at once, which proves the
        // registration delivers (Wine accepts it and never calls).
        auto rc = NotifyIpInterfaceChange(AF_UNSPEC, on_interface_change, shared_.get(), TRUE,
                                          &interface_handle_);
        if (rc != NO_ERROR) {
            error_text = windows::describe_call_failure("NotifyIpInterfaceChange", rc);
            return describe_native_error(static_cast<int>(rc));
        }
        rc = NotifyUnicastIpAddressChange(AF_UNSPEC, on_address_change, shared_.get(), TRUE,
                                          &address_handle_);
        if (rc != NO_ERROR) {
            error_text = windows::describe_call_failure("NotifyUnicastIpAddressChange", rc);
            return describe_native_error(static_cast<int>(rc));
        }
        return {};
    }

    std::vector<InterfaceStatus> initial_interfaces() const override { return initial_; }
    void set_initial(std::vector<InterfaceStatus> initial) { initial_ = std::move(initial); }

    SourceStatus status() const override {
        SourceStatus status;
        status.mechanism = "NotifyIpInterfaceChange + NotifyUnicastIpAddressChange";
        status.initial_notification_seen =
            shared_->initial_interface_seen && shared_->initial_address_seen;
        if (!shared_->initial_interface_seen) {
            status.notes.emplace_back("NotifyIpInterfaceChange: no initial notification");
        }
        if (!shared_->initial_address_seen) {
            status.notes.emplace_back("NotifyUnicastIpAddressChange: no initial notification");
        }
        status.notes.push_back("change notifications received: " +
                               std::to_string(shared_->notifications.load()));
        std::lock_guard lock(shared_->mutex);
        status.notes.insert(status.notes.end(), shared_->notes.begin(), shared_->notes.end());
        return status;
    }

    void stop() override {
        shared_->stopped = true;
        // CancelMibChangeNotify2 waits for running callbacks, so none touches shared_ after.
        if (interface_handle_ != nullptr) CancelMibChangeNotify2(interface_handle_);
        if (address_handle_ != nullptr) CancelMibChangeNotify2(address_handle_);
        interface_handle_ = nullptr;
        address_handle_ = nullptr;
    }

private:
    std::shared_ptr<Shared> shared_;
    HANDLE interface_handle_ = nullptr;
    HANDLE address_handle_ = nullptr;
    std::vector<InterfaceStatus> initial_;
};

}  // namespace

std::unique_ptr<LinkEventSource> open_link_event_source(asio::io_context& io,
                                                        LinkEventSource::Handler handler,
                                                        SysError& error, std::string& error_text) {
    // Register first, then read the tables: a change in between is posted to io, which runs
    // only after this returns, and the tracker drops it if the tables already show it.
    auto shared = std::make_shared<Shared>(io, std::move(handler));
    auto source = std::make_unique<NotifySource>(shared);
    if (auto failure = source->register_notifications(error_text)) {
        error = failure;
        return nullptr;
    }
    shared->scan_interfaces(true);
    shared->scan_addresses(true);
    source->set_initial(shared->tracker.interfaces());
    return source;
}

}  // namespace netdiag::platform::links
