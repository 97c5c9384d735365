// The stdio transport: McpServer::Serve reads newline-delimited messages from a file
// descriptor, and LineWriter writes them, one line each.
#include <unistd.h>

#include <cerrno>

#include "protocol/mcp/mcp_server.h"

namespace pgark::protocol {

void McpServer::Serve(int in_fd, const std::atomic<bool>* stop) {
  std::string buffer;
  bool skipping = false;  // inside an oversized line: drop up to the next newline
  char chunk[1 << 16];
  auto handle_line = [this](absl::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == absl::string_view::npos) return;
    std::optional<Json> message = ParseMessage(line);
    if (!message) {
      send_(MakeError(std::nullopt, kParseError, "Parse error"), Json());
      return;
    }
    if (std::optional<Json> reply = HandleMessage(*message)) send_(*reply, Json());
  };
  for (;;) {
    if (stop != nullptr && stop->load()) break;
    ssize_t n = ::read(in_fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the client is done with us
    size_t start = 0;
    absl::string_view data(chunk, static_cast<size_t>(n));
    for (size_t nl = data.find('\n'); nl != absl::string_view::npos; nl = data.find('\n', start)) {
      if (skipping) {
        skipping = false;
      } else {
        absl::string_view piece = data.substr(start, nl - start);
        buffer.append(piece.data(), piece.size());
        handle_line(buffer);
      }
      buffer.clear();
      start = nl + 1;
    }
    if (!skipping) buffer.append(data.data() + start, data.size() - start);
    if (buffer.size() > kMaxLineBytes) {
      send_(MakeError(std::nullopt, kInvalidRequest,
                      "Invalid request: message longer than 10 MiB, ignored"),
            Json());
      buffer.clear();
      skipping = true;
    }
  }
  // A last line without its newline is still a message.
  if (!skipping && !buffer.empty()) handle_line(buffer);
  // At the end of input the calls under way are answered before the server exits; when
  // stopped (SIGTERM), they are cancelled.
  if (stop == nullptr || !stop->load()) WaitForCalls();
  Shutdown();
}

void LineWriter::Write(const Json& message) {
  std::string line = Serialize(message);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  if (broken_) return;
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;  // EPIPE: the client went away; stop writing
      return;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace pgark::protocol
