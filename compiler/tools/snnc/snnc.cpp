//===- snnc.cpp - The snnc command line -----------------------------------===//
//
//   snnc check FILE        check a model; print a summary of it
//   snnc emit ast FILE     print the syntax tree
//
// A thin client of the library: every stage reports through one
// DiagnosticEngine, and any error gives exit status 1.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Frontend.h"
#include "snnc/dsl/Sema.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

using namespace snnc;

namespace {

constexpr const char *usage = R"(usage: snnc <command> [options] FILE

commands:
  check FILE        check a model and print a summary of it
  emit ast FILE     print the syntax tree of a model
  help              show this message

Exit status: 0 on success, 1 on errors in the model, 2 on bad usage.
)";

int badUsage(const llvm::Twine &message) {
  llvm::errs() << "snnc: error: " << message << "\n\n" << usage;
  return 2;
}

/// Shared by the commands: a source manager and a diagnostics engine that
/// colours its output on terminals.
struct Session {
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags{sourceMgr};
  Session() { diags.setUseColor(llvm::sys::Process::StandardErrHasColors()); }
  int finish() {
    diags.printSummary();
    return diags.hasErrors() ? 1 : 0;
  }
};

int runCheck(llvm::StringRef path) {
  Session session;
  std::optional<model::Model> model = loadModel(path, session.diags);
  if (!model)
    return session.finish();
  llvm::outs() << path << ": ok\n";
  model::printSummary(*model, llvm::outs());
  return session.finish();
}

int runEmitAst(llvm::StringRef path) {
  Session session;
  ast::Module module = parseFile(path, session.diags);
  if (session.diags.hasErrors())
    return session.finish();
  ast::print(module, llvm::outs());
  return session.finish();
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return badUsage("no command given");
  const std::string &command = args[0];
  if (command == "help" || command == "--help" || command == "-h") {
    llvm::outs() << usage;
    return 0;
  }
  if (command == "check") {
    if (args.size() != 2)
      return badUsage("'check' takes one FILE");
    return runCheck(args[1]);
  }
  if (command == "emit") {
    if (args.size() != 3)
      return badUsage("'emit' takes a stage and one FILE");
    if (args[1] == "ast")
      return runEmitAst(args[2]);
    return badUsage("unknown stage '" + args[1] + "' (expected: ast)");
  }
  return badUsage("unknown command '" + command + "'");
}
