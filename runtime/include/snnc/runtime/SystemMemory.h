//===- SystemMemory.h - How much memory this process can still get -*- C++
//-*-===//
#ifndef SNNC_RUNTIME_SYSTEMMEMORY_H
#define SNNC_RUNTIME_SYSTEMMEMORY_H

namespace snnc::rt {

/// Bytes of memory this process can still get: the least of the system's
/// MemAvailable, the room left under its cgroup's memory.max, and the
/// address space and data limits (ulimit -v, -d); -1 when none is known.
double availableMemoryBytes();

} // namespace snnc::rt

#endif // SNNC_RUNTIME_SYSTEMMEMORY_H
