//===- SharedLibrary.cpp - The CPU program as a shared library ------------===//
//
// A bundle's program must load where there is no LLVM: as an ELF shared
// library, dlopen'ed by the runtime. LLVM 19 as Debian ships it has no
// linker library, so the system's compiler driver links the object (`cc`,
// which setup.sh installs with g++); the runtime functions the code calls
// (snnc_barrier_wait) stay undefined, for the loading process to provide.
//
//===----------------------------------------------------------------------===//

#include "Jit.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace snnc;

namespace {

/// Removes a temporary file when it goes out of scope.
struct TemporaryFile {
  llvm::SmallString<128> path;
  ~TemporaryFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::Expected<std::vector<char>>
snnc::linkLibrary(const llvm::MemoryBuffer &object) {
  llvm::ErrorOr<std::string> driver = llvm::sys::findProgramByName("cc");
  if (!driver)
    return failure("cannot link the program into a shared library: no 'cc' "
                   "on PATH (install gcc or clang; scripts/setup.sh does)");
  TemporaryFile input, output, log;
  int fd;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile(
          "snnc-program", "o", fd, input.path))
    return failure("cannot write a temporary file: " + error.message());
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << object.getBuffer();
    if (out.has_error())
      return failure("cannot write '" + input.path + "'");
  }
  if (std::error_code error =
          llvm::sys::fs::createTemporaryFile("snnc-program", "so", output.path))
    return failure("cannot write a temporary file: " + error.message());
  if (std::error_code error =
          llvm::sys::fs::createTemporaryFile("snnc-link", "log", log.path))
    return failure("cannot write a temporary file: " + error.message());
  llvm::StringRef arguments[] = {*driver,     "-shared",  "-o",
                                 output.path, input.path, "-lm"};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path.str(),
                                                log.path.str()};
  std::string why;
  int status = llvm::sys::ExecuteAndWait(*driver, arguments, std::nullopt,
                                         redirects, 0, 0, &why);
  if (status != 0) {
    std::string said;
    if (auto text = llvm::MemoryBuffer::getFile(log.path))
      said = (*text)->getBuffer().trim().str();
    return failure("linking the program failed (" + *driver +
                   "): " + (said.empty() ? why : said));
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> library =
      llvm::MemoryBuffer::getFile(output.path);
  if (!library)
    return failure("cannot read the linked program: " +
                   library.getError().message());
  llvm::StringRef bytes = (*library)->getBuffer();
  return std::vector<char>(bytes.begin(), bytes.end());
}
