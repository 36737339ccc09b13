//! `jv!`: the `serde_json::json!` syntax, but values are moved in ([`IntoJ`]) instead of being
//! re-serialized with `to_value`, which deep-copies every embedded `Value` (the hot spot of the
//! generator). Maps are pre-sized.

use serde_json::{Map, Number, Value};

/// Conversion into a JSON value without serialization.
pub trait IntoJ {
    fn into_j(self) -> Value;
}

impl IntoJ for Value {
    fn into_j(self) -> Value {
        self
    }
}

impl IntoJ for &Value {
    fn into_j(self) -> Value {
        self.clone()
    }
}

impl IntoJ for Map<String, Value> {
    fn into_j(self) -> Value {
        Value::Object(self)
    }
}

impl IntoJ for &str {
    fn into_j(self) -> Value {
        Value::String(self.to_owned())
    }
}

impl IntoJ for &&str {
    fn into_j(self) -> Value {
        Value::String((*self).to_owned())
    }
}

impl IntoJ for String {
    fn into_j(self) -> Value {
        Value::String(self)
    }
}

impl IntoJ for &String {
    fn into_j(self) -> Value {
        Value::String(self.clone())
    }
}

impl IntoJ for bool {
    fn into_j(self) -> Value {
        Value::Bool(self)
    }
}

impl IntoJ for f64 {
    fn into_j(self) -> Value {
        Number::from_f64(self).map_or(Value::Null, Value::Number)
    }
}

macro_rules! int_into_j {
    ($($t:ty),*) => {$(
        impl IntoJ for $t {
            fn into_j(self) -> Value {
                Value::Number(Number::from(self))
            }
        }
    )*};
}
int_into_j!(u8, u16, u32, u64, usize, i32, i64);

impl<T: IntoJ> IntoJ for Vec<T> {
    fn into_j(self) -> Value {
        Value::Array(self.into_iter().map(IntoJ::into_j).collect())
    }
}

impl<T: IntoJ + Copy> IntoJ for &[T] {
    fn into_j(self) -> Value {
        Value::Array(self.iter().map(|x| x.into_j()).collect())
    }
}

/// Like `serde_json::json!`, moving values in.
#[macro_export]
#[doc(hidden)]
macro_rules! jv {
    ($($json:tt)+) => {
        $crate::jv_internal!($($json)+)
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! jv_colon {
    (:) => {
        1
    };
    ($other:tt) => {
        0
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! jv_internal {
    // ----- arrays: munch elements into a vec -----
    (@array [$($elems:expr,)*]) => {
        vec![$($elems,)*]
    };
    (@array [$($elems:expr),*]) => {
        vec![$($elems),*]
    };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!(null)] $($rest)*)
    };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!(true)] $($rest)*)
    };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!(false)] $($rest)*)
    };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!([$($array)*])] $($rest)*)
    };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!({$($map)*})] $($rest)*)
    };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!($next),] $($rest)*)
    };
    (@array [$($elems:expr,)*] $last:expr) => {
        $crate::jv_internal!(@array [$($elems,)* $crate::jv_internal!($last)])
    };
    (@array [$($elems:expr),*] , $($rest:tt)*) => {
        $crate::jv_internal!(@array [$($elems,)*] $($rest)*)
    };

    // ----- objects: munch `key: value` pairs into inserts -----
    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        let _ = $object.insert(($($key)+).into(), $value);
        $crate::jv_internal!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        let _ = $object.insert(($($key)+).into(), $value);
    };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!(null)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!(true)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!(false)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!([$($array)*])) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!({$($map)*})) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!($value)) , $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => {
        $crate::jv_internal!(@object $object [$($key)+] ($crate::jv_internal!($value)));
    };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object ($key) (: $($rest)*) (: $($rest)*));
    };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => {
        $crate::jv_internal!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*));
    };

    // ----- values -----
    (null) => {
        serde_json::Value::Null
    };
    (true) => {
        serde_json::Value::Bool(true)
    };
    (false) => {
        serde_json::Value::Bool(false)
    };
    ([]) => {
        serde_json::Value::Array(Vec::new())
    };
    ([ $($tt:tt)+ ]) => {
        serde_json::Value::Array($crate::jv_internal!(@array [] $($tt)+))
    };
    ({}) => {
        serde_json::Value::Object(serde_json::Map::new())
    };
    ({ $($tt:tt)+ }) => {
        serde_json::Value::Object({
            // One top-level `:` per key (paths use the single token `::`).
            let mut object = serde_json::Map::with_capacity(0 $(+ $crate::jv_colon!($tt))+);
            $crate::jv_internal!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    ($other:expr) => {
        $crate::jsonv::IntoJ::into_j($other)
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn same_output_as_json_macro() {
        let inner = json!({"a": 1});
        let s = String::from("x");
        let v = jv!({"k": "v", "n": 3u32, "b": true, "z": null, "arr": [1u32, "two", {"x": &s}],
            "inner": inner.clone(), "f": 1.5, "s": &s, "e": []});
        let w = json!({"k": "v", "n": 3, "b": true, "z": null, "arr": [1, "two", {"x": "x"}],
            "inner": {"a": 1}, "f": 1.5, "s": "x", "e": []});
        assert_eq!(v, w);
        assert_eq!(
            serde_json::to_string(&v).unwrap_or_default(),
            serde_json::to_string(&w).unwrap_or_default()
        );
    }
}
