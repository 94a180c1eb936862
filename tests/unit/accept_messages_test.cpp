// The worker → group pipe protocol of the shared-accept probe.
#include <catch2/catch.hpp>

#include "netdiag/platform.hpp"
#include "netdiag/shared_accept.hpp"

using namespace netdiag::platform::accept;

TEST_CASE("accept worker messages survive encoding, one line each") {
    WorkerMessage failure;
    failure.type = WorkerMessage::Type::failure;
    failure.worker = 3;
    failure.failure.step = "CreateIoCompletionPort (associate the listening socket)";
    failure.failure.error = netdiag::platform::describe_native_error(87);
    failure.failure.count = 2;
    const auto line = encode_worker_message(failure);
    CHECK(line.find('\n') == std::string::npos);
    const auto back = decode_worker_message(line);
    REQUIRE(back);
    CHECK(back->type == WorkerMessage::Type::failure);
    CHECK(back->worker == 3);
    CHECK(back->failure.step == failure.failure.step);
    CHECK(back->failure.error.native == 87);
    CHECK(back->failure.error.native_name == failure.failure.error.native_name);
    CHECK(back->failure.count == 2);

    WorkerMessage summary;
    summary.type = WorkerMessage::Type::summary;
    summary.worker = 1;
    summary.accepted = 57;
    summary.spurious_wakeups = 4;
    const auto s = decode_worker_message(encode_worker_message(summary));
    REQUIRE(s);
    CHECK(s->accepted == 57);
    CHECK(s->spurious_wakeups == 4);

    WorkerMessage ready;
    ready.worker = 2;
    ready.pid = 4242;
    const auto r = decode_worker_message(encode_worker_message(ready));
    REQUIRE(r);
    CHECK(r->type == WorkerMessage::Type::ready);
    CHECK(r->pid == 4242);
}

TEST_CASE("accept worker messages: malformed lines are refused, not guessed") {
    CHECK_FALSE(decode_worker_message(""));
    CHECK_FALSE(decode_worker_message("worker 1 ready"));
    CHECK_FALSE(decode_worker_message(R"({"type":"ready"})"));
    CHECK_FALSE(decode_worker_message(R"({"type":"ready","worker":-1})"));
    CHECK_FALSE(decode_worker_message(R"({"type":"bored","worker":1})"));
    CHECK_FALSE(decode_worker_message(R"({"type":"failure","worker":1,"native":87})"));
    CHECK_FALSE(decode_worker_message(R"({"type":"summary","worker":1,"accepted":"many"})"));
}

TEST_CASE("accept worker messages: failure counts are running totals") {
    WorkerResult result;
    WorkerMessage m;
    m.type = WorkerMessage::Type::failure;
    m.failure = {"accept", netdiag::platform::describe_native_error(24), 1};
    apply_worker_message(result, m);
    m.failure.count = 5;  // the same failure, resent with its final count before the summary
    apply_worker_message(result, m);
    REQUIRE(result.failures.size() == 1);
    CHECK(result.failures[0].count == 5);
    m.failure = {"send", netdiag::platform::describe_native_error(32), 1};
    apply_worker_message(result, m);
    CHECK(result.failures.size() == 2);
    WorkerMessage summary;
    summary.type = WorkerMessage::Type::summary;
    summary.accepted = 9;
    apply_worker_message(result, summary);
    CHECK(result.summary_received);
    CHECK(result.accepted == 9);
}
