// The behaviour every Store backend must have, written once against the Store interface
// (store_contract_suite.cpp). A backend's test file instantiates it with a factory that opens
// that backend in a fresh directory, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract,
//                            ::testing::Values(StoreBackend{"sqlite", open_in_dir}),
//                            store_backend_name);
//
// Threading: gtest runs each test on the main thread; a store is used from that thread only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.hpp"
#include "support/process.hpp"

// Readable gtest failure messages for the domain types the suite compares.
namespace onstage::domain {

inline void PrintTo(const ExtraField& field, std::ostream* os) {
    *os << field.name << '=' << field.value;
}

inline void PrintTo(const AttendeeStatus& s, std::ostream* os) {
    *os << "{" << s.attendee_id << " " << to_string(s.state) << " moderator=" << s.moderator_id
        << " hand=" << (s.hand ? s.hand->question : "(none)")
        << " invite_expires=" << s.invite_expires_at_ms << " updated=" << s.updated_at_ms << "}";
}

inline void PrintTo(const AuditEntry& e, std::ostream* os) {
    *os << "{#" << e.seq << " " << e.event_id << " at=" << e.at_ms << " " << e.actor_id << " "
        << e.action << " " << e.subject_id << " " << e.from_state << "->" << e.to_state << " "
        << e.detail << "}";
}

}  // namespace onstage::domain

namespace onstage::store::contract {

struct StoreBackend {
    std::string name;  // a valid gtest name part: letters, digits, underscores
    // Opens the backend's store kept in `dir`; opening the same dir again must see the same data.
    std::function<std::unique_ptr<Store>(const std::filesystem::path& dir)> open;
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) {
    *os << backend.name;
}

inline std::string store_backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
    return info.param.name;
}

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
protected:
    // The store under test, opened on first use.
    Store& store() {
        if (!store_) {
            store_ = GetParam().open(dir_.path());
        }
        return *store_;
    }

    // Closes the store and opens it again on the same directory, as a restarted server would.
    Store& reopen() {
        store_.reset();
        return store();
    }

private:
    onstage::testing::TempDir dir_;
    std::unique_ptr<Store> store_;
};

}  // namespace onstage::store::contract
