//===- IntegratorsTest.cpp - The one list of integration methods ----------===//

#include "snnc/dsl/Integrators.h"

#include <gtest/gtest.h>

using namespace snnc::model;

TEST(IntegratorsTest, EveryNameParsesBackToItsMethod) {
  ASSERT_FALSE(integrators().empty());
  for (const IntegratorInfo &info : integrators()) {
    EXPECT_EQ(parseIntegrator(info.name), info.id) << info.name;
    EXPECT_STREQ(integratorName(info.id), info.name);
  }
  EXPECT_EQ(parseIntegrator("rk9"), std::nullopt);
  EXPECT_EQ(parseIntegrator(""), std::nullopt);
}

TEST(IntegratorsTest, OnlyExactIsNotSteppedByTheIntegrateOp) {
  for (const IntegratorInfo &info : integrators())
    EXPECT_EQ(info.stepped, info.id != Integrator::Exact) << info.name;
}

TEST(IntegratorsTest, ListsReadAsEnglish) {
  EXPECT_EQ(integratorList(), "euler, exp_euler, rk2, rk4 or exact");
  EXPECT_EQ(integratorList(/*steppedOnly=*/true), "euler, exp_euler, rk2 or rk4");
}
