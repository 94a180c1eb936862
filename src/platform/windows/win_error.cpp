// Naming of Winsock (WSAE*) and Win32 (ERROR_*) codes, with the system's own message text.
// Numbers come from the SDK headers, so a name can never drift from its value.
#include <system_error>

#include "platform/windows/win_internal.hpp"

namespace netdiag::platform {
namespace {

struct KnownCode {
    int code;
    const char* name;
    std::errc portable;    // errc{} = no portable meaning: system_category is used
    const char* fallback;  // Windows' English text, for systems (Wine) whose table lacks it
};

constexpr std::errc kNoPortable{};

// Codes a socket diagnostic meets: Winsock errors, and the Win32 errors that overlapped I/O,
// IOCP and IP Helper calls report. Where Winsock and Win32 share a number (87, 995, 997), the
// name users meet in socket code is given (PROTOCOLS: ERROR_INVALID_PARAMETER, 995
// ERROR_OPERATION_ABORTED, WSA_IO_PENDING).
#define ND_CODE(name, portable, text) \
    { name, #name, portable, text }
constexpr KnownCode kKnownCodes[] = {
    ND_CODE(ERROR_INVALID_FUNCTION, std::errc::function_not_supported, "Incorrect function."),
    ND_CODE(ERROR_FILE_NOT_FOUND, std::errc::no_such_file_or_directory,
            "The system cannot find the file specified."),
    ND_CODE(ERROR_PATH_NOT_FOUND, std::errc::no_such_file_or_directory,
            "The system cannot find the path specified."),
    ND_CODE(ERROR_ACCESS_DENIED, std::errc::permission_denied, "Access is denied."),
    ND_CODE(ERROR_INVALID_HANDLE, std::errc::bad_file_descriptor, "The handle is invalid."),
    ND_CODE(ERROR_NOT_ENOUGH_MEMORY, std::errc::not_enough_memory,
            "Not enough memory resources are available to process this command."),
    ND_CODE(ERROR_NOT_SUPPORTED, std::errc::not_supported, "The request is not supported."),
    ND_CODE(ERROR_NETNAME_DELETED, std::errc::connection_reset,
            "The specified network name is no longer available."),
    ND_CODE(ERROR_NETWORK_ACCESS_DENIED, std::errc::permission_denied, "Network access is denied."),
    ND_CODE(ERROR_INVALID_PARAMETER, std::errc::invalid_argument, "The parameter is incorrect."),
    ND_CODE(ERROR_BROKEN_PIPE, std::errc::broken_pipe, "The pipe has been ended."),
    ND_CODE(ERROR_BUFFER_OVERFLOW, std::errc::no_buffer_space, "The file name is too long."),
    ND_CODE(ERROR_SEM_TIMEOUT, std::errc::timed_out, "The semaphore timeout period has expired."),
    ND_CODE(ERROR_INSUFFICIENT_BUFFER, std::errc::no_buffer_space,
            "The data area passed to a system call is too small."),
    ND_CODE(ERROR_ALREADY_EXISTS, std::errc::file_exists,
            "Cannot create a file when that file already exists."),
    ND_CODE(ERROR_NO_DATA, std::errc::broken_pipe, "The pipe is being closed."),
    ND_CODE(ERROR_MORE_DATA, std::errc::message_size, "More data is available."),
    ND_CODE(WAIT_TIMEOUT, std::errc::timed_out, "The wait operation timed out."),
    ND_CODE(ERROR_NO_MORE_ITEMS, kNoPortable, "No more data is available."),
    ND_CODE(ERROR_OPERATION_ABORTED, std::errc::operation_canceled,
            "The I/O operation has been aborted because of either a thread exit or an application "
            "request."),
    ND_CODE(ERROR_IO_INCOMPLETE, std::errc::operation_would_block,
            "Overlapped I/O event is not in a signaled state."),
    ND_CODE(WSA_IO_PENDING, std::errc::operation_in_progress,
            "Overlapped I/O operation is in progress."),
    ND_CODE(ERROR_NOT_FOUND, kNoPortable, "Element not found."),
    ND_CODE(ERROR_CONNECTION_REFUSED, std::errc::connection_refused,
            "The remote computer refused the network connection."),
    ND_CODE(ERROR_GRACEFUL_DISCONNECT, std::errc::not_connected,
            "The network connection was gracefully closed."),
    ND_CODE(ERROR_ADDRESS_ALREADY_ASSOCIATED, std::errc::address_in_use,
            "The network transport endpoint already has an address associated with it."),
    ND_CODE(ERROR_ADDRESS_NOT_ASSOCIATED, std::errc::address_not_available,
            "An address has not yet been associated with the network endpoint."),
    ND_CODE(ERROR_CONNECTION_INVALID, std::errc::not_connected,
            "An operation was attempted on a nonexistent network connection."),
    ND_CODE(ERROR_CONNECTION_ACTIVE, std::errc::already_connected,
            "An invalid operation was attempted on an active network connection."),
    ND_CODE(ERROR_NETWORK_UNREACHABLE, std::errc::network_unreachable,
            "The network location cannot be reached."),
    ND_CODE(ERROR_HOST_UNREACHABLE, std::errc::host_unreachable,
            "The network location cannot be reached."),
    ND_CODE(ERROR_PROTOCOL_UNREACHABLE, std::errc::network_unreachable,
            "The network location cannot be reached."),
    ND_CODE(ERROR_PORT_UNREACHABLE, std::errc::connection_refused,
            "No service is operating at the destination network endpoint on the remote system."),
    ND_CODE(ERROR_REQUEST_ABORTED, std::errc::operation_canceled, "The request was aborted."),
    ND_CODE(ERROR_CONNECTION_ABORTED, std::errc::connection_aborted,
            "The network connection was aborted by the local system."),
    ND_CODE(ERROR_NOT_CONNECTED, std::errc::not_connected,
            "This network connection does not exist."),
    ND_CODE(WSAEINTR, std::errc::interrupted,
            "A blocking operation was interrupted by a call to WSACancelBlockingCall."),
    ND_CODE(WSAEBADF, std::errc::bad_file_descriptor, "The file handle supplied is not valid."),
    ND_CODE(WSAEACCES, std::errc::permission_denied,
            "An attempt was made to access a socket in a way forbidden by its access permissions."),
    ND_CODE(WSAEFAULT, std::errc::bad_address,
            "The system detected an invalid pointer address in attempting to use a pointer "
            "argument in a call."),
    ND_CODE(WSAEINVAL, std::errc::invalid_argument, "An invalid argument was supplied."),
    ND_CODE(WSAEMFILE, std::errc::too_many_files_open, "Too many open sockets."),
    ND_CODE(WSAEWOULDBLOCK, std::errc::operation_would_block,
            "A non-blocking socket operation could not be completed immediately."),
    ND_CODE(WSAEINPROGRESS, std::errc::operation_in_progress,
            "A blocking operation is currently executing."),
    ND_CODE(WSAEALREADY, std::errc::connection_already_in_progress,
            "An operation was attempted on a non-blocking socket that already had an operation in "
            "progress."),
    ND_CODE(WSAENOTSOCK, std::errc::not_a_socket,
            "An operation was attempted on something that is not a socket."),
    ND_CODE(WSAEDESTADDRREQ, std::errc::destination_address_required,
            "A required address was omitted from an operation on a socket."),
    ND_CODE(WSAEMSGSIZE, std::errc::message_size,
            "A message sent on a datagram socket was larger than the internal message buffer or "
            "some other network limit, or the buffer used to receive a datagram into was smaller "
            "than the datagram itself."),
    ND_CODE(WSAEPROTOTYPE, std::errc::wrong_protocol_type,
            "A protocol was specified in the socket function call that does not support the "
            "semantics of the socket type requested."),
    ND_CODE(WSAENOPROTOOPT, std::errc::no_protocol_option,
            "An unknown, invalid, or unsupported option or level was specified in a getsockopt or "
            "setsockopt call."),
    ND_CODE(WSAEPROTONOSUPPORT, std::errc::protocol_not_supported,
            "The requested protocol has not been configured into the system, or no implementation "
            "for it exists."),
    ND_CODE(WSAESOCKTNOSUPPORT, std::errc::protocol_not_supported,
            "The support for the specified socket type does not exist in this address family."),
    ND_CODE(WSAEOPNOTSUPP, std::errc::operation_not_supported,
            "The attempted operation is not supported for the type of object referenced."),
    ND_CODE(WSAEPFNOSUPPORT, std::errc::address_family_not_supported,
            "The protocol family has not been configured into the system or no implementation for "
            "it exists."),
    ND_CODE(WSAEAFNOSUPPORT, std::errc::address_family_not_supported,
            "An address incompatible with the requested protocol was used."),
    ND_CODE(WSAEADDRINUSE, std::errc::address_in_use,
            "Only one usage of each socket address (protocol/network address/port) is normally "
            "permitted."),
    ND_CODE(WSAEADDRNOTAVAIL, std::errc::address_not_available,
            "The requested address is not valid in its context."),
    ND_CODE(WSAENETDOWN, std::errc::network_down, "A socket operation encountered a dead network."),
    ND_CODE(WSAENETUNREACH, std::errc::network_unreachable,
            "A socket operation was attempted to an unreachable network."),
    ND_CODE(WSAENETRESET, std::errc::network_reset,
            "The connection has been broken due to keep-alive activity detecting a failure while "
            "the operation was in progress."),
    ND_CODE(WSAECONNABORTED, std::errc::connection_aborted,
            "An established connection was aborted by the software in your host machine."),
    ND_CODE(WSAECONNRESET, std::errc::connection_reset,
            "An existing connection was forcibly closed by the remote host."),
    ND_CODE(WSAENOBUFS, std::errc::no_buffer_space,
            "An operation on a socket could not be performed because the system lacked sufficient "
            "buffer space or because a queue was full."),
    ND_CODE(WSAEISCONN, std::errc::already_connected,
            "A connect request was made on an already connected socket."),
    ND_CODE(WSAENOTCONN, std::errc::not_connected,
            "A request to send or receive data was disallowed because the socket is not connected "
            "and (when sending on a datagram socket using a sendto call) no address was supplied."),
    ND_CODE(WSAESHUTDOWN, std::errc::broken_pipe,
            "A request to send or receive data was disallowed because the socket had already been "
            "shut down in that direction with a previous shutdown call."),
    ND_CODE(WSAETOOMANYREFS, std::errc::too_many_links,
            "Too many references to some kernel object."),
    ND_CODE(WSAETIMEDOUT, std::errc::timed_out,
            "A connection attempt failed because the connected party did not properly respond "
            "after a period of time, or established connection failed because connected host has "
            "failed to respond."),
    ND_CODE(WSAECONNREFUSED, std::errc::connection_refused,
            "No connection could be made because the target machine actively refused it."),
    ND_CODE(WSAELOOP, std::errc::too_many_symbolic_link_levels, "Cannot translate name."),
    ND_CODE(WSAENAMETOOLONG, std::errc::filename_too_long, "Name component or name was too long."),
    ND_CODE(WSAEHOSTDOWN, std::errc::host_unreachable,
            "A socket operation failed because the destination host was down."),
    ND_CODE(WSAEHOSTUNREACH, std::errc::host_unreachable,
            "A socket operation was attempted to an unreachable host."),
    ND_CODE(WSAENOTEMPTY, std::errc::directory_not_empty,
            "Cannot remove a directory that is not empty."),
    ND_CODE(WSAEPROCLIM, std::errc::too_many_files_open,
            "A Windows Sockets implementation may have a limit on the number of applications that "
            "may use it simultaneously."),
    ND_CODE(WSAEUSERS, kNoPortable, "Ran out of quota."),
    ND_CODE(WSAEDQUOT, kNoPortable, "Ran out of disk quota."),
    ND_CODE(WSAESTALE, kNoPortable, "File handle reference is no longer available."),
    ND_CODE(WSAEREMOTE, kNoPortable, "Item is not available locally."),
    ND_CODE(WSASYSNOTREADY, kNoPortable,
            "WSAStartup cannot function at this time because the underlying system it uses to "
            "provide network services is currently unavailable."),
    ND_CODE(WSAVERNOTSUPPORTED, kNoPortable,
            "The Windows Sockets version requested is not supported."),
    ND_CODE(WSANOTINITIALISED, kNoPortable,
            "Either the application has not called WSAStartup, or WSAStartup failed."),
    ND_CODE(WSAEDISCON, std::errc::not_connected,
            "Returned by WSARecv or WSARecvFrom to indicate the remote party has initiated a "
            "graceful shutdown sequence."),
    ND_CODE(WSAENOMORE, kNoPortable, "No more results can be returned by WSALookupServiceNext."),
    ND_CODE(WSAECANCELLED, std::errc::operation_canceled,
            "A call to WSALookupServiceEnd was made while this call was still processing. The call "
            "has been canceled."),
    ND_CODE(WSAEINVALIDPROCTABLE, kNoPortable, "The procedure call table is invalid."),
    ND_CODE(WSAEINVALIDPROVIDER, kNoPortable, "The requested service provider is invalid."),
    ND_CODE(WSAEPROVIDERFAILEDINIT, kNoPortable,
            "The requested service provider could not be loaded or initialized."),
    ND_CODE(WSASYSCALLFAILURE, kNoPortable, "A system call that should never fail has failed."),
    ND_CODE(WSASERVICE_NOT_FOUND, kNoPortable,
            "No such service is known. The service cannot be found in the specified name space."),
    ND_CODE(WSATYPE_NOT_FOUND, kNoPortable, "The specified class was not found."),
    ND_CODE(WSA_E_NO_MORE, kNoPortable, "No more results can be returned by WSALookupServiceNext."),
    ND_CODE(WSA_E_CANCELLED, std::errc::operation_canceled,
            "A call to WSALookupServiceEnd was made while this call was still processing. The call "
            "has been canceled."),
    ND_CODE(WSAEREFUSED, std::errc::connection_refused,
            "A database query failed because it was actively refused."),
    ND_CODE(WSAHOST_NOT_FOUND, kNoPortable, "No such host is known."),
    ND_CODE(WSATRY_AGAIN, std::errc::resource_unavailable_try_again,
            "This is usually a temporary error during hostname resolution and means that the local "
            "server did not receive a response from an authoritative server."),
    ND_CODE(WSANO_RECOVERY, kNoPortable,
            "A non-recoverable error occurred during a database lookup."),
    ND_CODE(WSANO_DATA, kNoPortable,
            "The requested name is valid, but no data of the requested type was found."),
};
#undef ND_CODE

const KnownCode* find_code(int code) {
    for (const auto& known : kKnownCodes) {
        if (known.code == code) return &known;
    }
    return nullptr;
}

// The system's text for a code, in English where the system has it, without the line break
// FormatMessage appends.
std::string system_message(int code) {
    wchar_t* buffer = nullptr;
    const DWORD flags =
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS;
    DWORD length = 0;
    for (DWORD language : {static_cast<DWORD>(MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US)),
                           static_cast<DWORD>(0)}) {
        length = FormatMessageW(flags, nullptr, static_cast<DWORD>(code), language,
                                reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
        if (length != 0) break;
    }
    if (length == 0 || buffer == nullptr) return {};
    std::string text = windows::to_utf8(std::wstring_view(buffer, length));
    LocalFree(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

SysError describe_native_error(int native) {
    SysError error;
    error.native = native;
    const KnownCode* known = find_code(native);
    if (known != nullptr) {
        error.native_name = known->name;
        error.portable = known->portable != kNoPortable
                             ? std::make_error_code(known->portable)
                             : std::error_code(native, std::system_category());
    } else {
        const bool winsock = native >= WSABASEERR && native < WSABASEERR + 2000;
        error.native_name = (winsock ? "Winsock error " : "Win32 error ") + std::to_string(native);
        error.portable = std::error_code(native, std::system_category());
    }
    error.message = system_message(native);
    if (error.message.empty() && known != nullptr) error.message = known->fallback;
    return error;
}

SysError last_socket_error() {
    return describe_native_error(WSAGetLastError());
}

}  // namespace netdiag::platform
