//===- SystemMemory.cpp - How much memory this process can still get ------===//

#include "snnc/runtime/SystemMemory.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

namespace {
/// A number read from the first line of `path`; nullopt for "max", a
/// missing file or anything else.
std::optional<double> readNumberFile(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "r");
  if (!file)
    return std::nullopt;
  unsigned long long value;
  bool ok = std::fscanf(file, "%llu", &value) == 1;
  std::fclose(file);
  if (!ok)
    return std::nullopt;
  return static_cast<double>(value);
}
} // namespace

double snnc::rt::availableMemoryBytes() {
  double best = -1;
  auto consider = [&](double bytes) {
    bytes = std::max(bytes, 0.0);
    if (best < 0 || bytes < best)
      best = bytes;
  };
  if (std::FILE *meminfo = std::fopen("/proc/meminfo", "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), meminfo)) {
      unsigned long long kib;
      if (std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
        consider(static_cast<double>(kib) * 1024);
        break;
      }
    }
    std::fclose(meminfo);
  }
  // A container's limit (cgroup v2): what this process's group may still
  // take, which MemAvailable (the whole machine's) does not show.
  if (std::FILE *cgroup = std::fopen("/proc/self/cgroup", "r")) {
    char line[4096];
    while (std::fgets(line, sizeof(line), cgroup)) {
      std::string text(line);
      while (!text.empty() && text.back() == '\n')
        text.pop_back();
      if (text.compare(0, 3, "0::") != 0)
        continue;
      std::string dir = "/sys/fs/cgroup" + text.substr(3);
      std::optional<double> max = readNumberFile(dir + "/memory.max");
      std::optional<double> current = readNumberFile(dir + "/memory.current");
      if (max && current)
        consider(*max - *current);
    }
    std::fclose(cgroup);
  }
  // ulimit -v and -d: address space and data segment left.
  long page = sysconf(_SC_PAGESIZE);
  unsigned long long sizePages = 0, residentPages = 0, sharedPages = 0,
                     textPages = 0, libPages = 0, dataPages = 0;
  if (std::FILE *statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%llu %llu %llu %llu %llu %llu", &sizePages,
                    &residentPages, &sharedPages, &textPages, &libPages,
                    &dataPages) != 6)
      sizePages = dataPages = 0;
    std::fclose(statm);
  }
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    consider(static_cast<double>(limit.rlim_cur) -
             static_cast<double>(sizePages) * page);
  if (getrlimit(RLIMIT_DATA, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    consider(static_cast<double>(limit.rlim_cur) -
             static_cast<double>(dataPages) * page);
  return best;
}
