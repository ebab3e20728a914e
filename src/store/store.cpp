#include "store/store.hpp"

namespace onstage::store {

std::string_view to_string(StoreErrorCode code) {
    switch (code) {
    case StoreErrorCode::conflict:
        return "conflict";
    case StoreErrorCode::not_found:
        return "not_found";
    case StoreErrorCode::limit:
        return "limit";
    case StoreErrorCode::invalid:
        return "invalid";
    case StoreErrorCode::io:
        return "io";
    case StoreErrorCode::schema:
        return "schema";
    }
    return "io";
}

}  // namespace onstage::store
