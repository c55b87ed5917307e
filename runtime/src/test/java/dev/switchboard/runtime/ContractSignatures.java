package dev.switchboard.runtime;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Lists the types a public type shows to its users in every public or protected signature (supertypes, fields,
 * constructors, methods, their type parameters and declared exceptions, and its public nested types) that a rule
 * does not allow, each as {@code "Owner.member: type"}.
 */
final class ContractSignatures {

    private final Predicate<Class<?>> allowed;
    private final Set<String> violations = new LinkedHashSet<>();

    private ContractSignatures(Predicate<Class<?>> allowed) {
        this.allowed = allowed;
    }

    static Set<String> violations(Collection<Class<?>> types, Predicate<Class<?>> allowed) {
        ContractSignatures check = new ContractSignatures(allowed);
        for (Class<?> type : types) {
            check.type(type);
        }
        return check.violations;
    }

    private void type(Class<?> type) {
        String owner = type.getName();
        for (TypeVariable<?> v : type.getTypeParameters()) {
            all(owner + "<" + v.getName() + ">", v.getBounds());
        }
        if (type.getGenericSuperclass() != null) {
            visit(owner + " extends", type.getGenericSuperclass(), new HashSet<>());
        }
        all(owner + " implements", type.getGenericInterfaces());
        for (Field f : type.getDeclaredFields()) {
            if (isVisible(f.getModifiers())) {
                visit(owner + "." + f.getName(), f.getGenericType(), new HashSet<>());
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (isVisible(c.getModifiers())) {
                executable(owner + ".<init>", c);
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (isVisible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                executable(owner + "." + m.getName(), m);
                visit(owner + "." + m.getName() + " returns", m.getGenericReturnType(), new HashSet<>());
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (isVisible(nested.getModifiers())) {
                type(nested);
            }
        }
    }

    private void executable(String where, Executable e) {
        for (TypeVariable<?> v : e.getTypeParameters()) {
            all(where + "<" + v.getName() + ">", v.getBounds());
        }
        all(where + " parameter", e.getGenericParameterTypes());
        all(where + " throws", e.getGenericExceptionTypes());
    }

    private void all(String where, Type[] types) {
        for (Type t : types) {
            visit(where, t, new HashSet<>());
        }
    }

    private void visit(String where, Type t, Set<Type> seen) {
        if (!seen.add(t)) {
            return;
        }
        if (t instanceof Class<?> c) {
            Class<?> element = c;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (!element.isPrimitive() && !allowed.test(element)) {
                violations.add(where + ": " + element.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            visit(where, p.getRawType(), seen);
            for (Type a : p.getActualTypeArguments()) {
                visit(where, a, seen);
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                visit(where, b, seen);
            }
            for (Type b : w.getLowerBounds()) {
                visit(where, b, seen);
            }
        } else if (t instanceof GenericArrayType a) {
            visit(where, a.getGenericComponentType(), seen);
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                visit(where, b, seen);
            }
        }
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
