//===- ProgressTest.cpp - Progress bar ------------------------------------===//
//
// The line's contents, silence when the stream is not a terminal, the rate
// limit on redraws and the clearing finish(), using a temporary file as the
// stream.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

using namespace snnc::rt;

namespace {

std::string contents(std::FILE *file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[512];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    text.append(buffer, n);
  return text;
}

TEST(ProgressTest, FormatsPercentTimeAndEta) {
  std::string line = formatProgressLine(0.45, 450.0, 1000.0, 3.21, 20);
  EXPECT_EQ(line, "[#########-----------]  45%  t = 450.0 / 1000.0 ms  "
                  "ETA 3.2 s");
  EXPECT_NE(formatProgressLine(0.1, 1, 10, 125, 10).find("ETA 2m05s"),
            std::string::npos);
  EXPECT_NE(formatProgressLine(0, 0, 10, -1, 10).find("ETA --"),
            std::string::npos);
  EXPECT_NE(formatProgressLine(2.0, 10, 10, 0, 4).find("[####] 100%"),
            std::string::npos);
}

TEST(ProgressTest, SilentWhenNotATerminal) {
  std::FILE *file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressOptions options;
    options.stream = file;
    ProgressBar bar(100, 0.1, options);
    EXPECT_FALSE(bar.enabled());
    bar.update(50);
    bar.finish();
  }
  EXPECT_EQ(contents(file), "");
  std::fclose(file);
}

TEST(ProgressTest, RateLimitedAndClearedOnFinish) {
  std::FILE *file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressOptions options;
  options.stream = file;
  options.forceEnabled = true;
  options.minIntervalSeconds = 3600; // only the first update draws
  ProgressBar bar(1000, 0.1, options);
  ASSERT_TRUE(bar.enabled());
  for (int64_t step = 0; step <= 1000; step += 10)
    bar.update(step);
  std::string drawn = contents(file);
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\r'), 1) << drawn;
  EXPECT_NE(drawn.find("  0%  t = 0.0 / 100.0 ms"), std::string::npos) << drawn;
  bar.finish();
  std::string finished = contents(file);
  ASSERT_GT(finished.size(), drawn.size());
  std::string clear = finished.substr(drawn.size());
  EXPECT_EQ(clear.front(), '\r');
  EXPECT_EQ(clear.back(), '\r');
  EXPECT_EQ(clear.find_first_not_of(" ", 1), clear.size() - 1);
  bar.update(1000); // after finish: nothing
  bar.finish();
  EXPECT_EQ(contents(file), finished);
  std::fclose(file);
}

TEST(ProgressTest, RedrawsWithoutRateLimit) {
  std::FILE *file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressOptions options;
  options.stream = file;
  options.forceEnabled = true;
  options.minIntervalSeconds = 0;
  {
    ProgressBar bar(4, 0.5, options);
    for (int64_t step = 1; step <= 4; ++step)
      bar.update(step);
    std::string drawn = contents(file);
    EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\r'), 4);
    EXPECT_NE(drawn.find("100%  t = 2.0 / 2.0 ms"), std::string::npos) << drawn;
  } // the destructor finishes
  std::string text = contents(file);
  EXPECT_EQ(text.back(), '\r');
  std::fclose(file);
}

} // namespace
