// The BSD socket names (sockaddr_in, inet_pton, htons, socklen_t …) from whichever header this
// OS keeps them in, so the socket policy in src/platform/portable/ is written once.
#pragma once

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif
